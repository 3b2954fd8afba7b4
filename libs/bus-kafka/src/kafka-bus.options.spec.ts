import { ConfigError } from '@evcsms/config';
import { KAFKA_BUS_DEFAULTS, kafkaBusOptionsFromEnv, resolveKafkaBusOptions } from './kafka-bus.options';

describe('kafkaBusOptionsFromEnv', () => {
  it('reads the brokers and client id, with defaults for the rest', () => {
    const options = kafkaBusOptionsFromEnv({ KAFKA_BROKERS: ' kafka-0.kafka:9092, kafka-1.kafka:9092 ,', KAFKA_CLIENT_ID: 'sessions-7f9c' });
    expect(options).toMatchObject({
      brokers: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'],
      clientId: 'sessions-7f9c',
      ssl: false,
      publishTimeoutMs: KAFKA_BUS_DEFAULTS.publishTimeoutMs,
      lingerMs: KAFKA_BUS_DEFAULTS.lingerMs,
      logLevel: 'error',
    });
    expect(options.sasl).toBeUndefined();
    expect(kafkaBusOptionsFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092' }).clientId).toBe('evcsms');
  });

  it('reads TLS, SASL, timeouts and consumer tuning', () => {
    const options = kafkaBusOptionsFromEnv({
      KAFKA_BROKERS: 'b-1.msk.example:9096',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'csms',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_PUBLISH_TIMEOUT_MS: '5000',
      KAFKA_LINGER_MS: '0',
      KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: '8',
      KAFKA_SESSION_TIMEOUT_MS: '45000',
      KAFKA_COMMIT_INTERVAL_MS: '250',
      KAFKA_LOG_LEVEL: 'warn',
    });
    expect(options).toMatchObject({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'csms', password: 's3cret' },
      publishTimeoutMs: 5000,
      lingerMs: 0,
      logLevel: 'warn',
      consumer: { partitionsConsumedConcurrently: 8, sessionTimeout: 45_000, commitIntervalMs: 250 },
    });
  });

  it('fails at boot, naming the variable, on what it cannot use', () => {
    expect(() => kafkaBusOptionsFromEnv({})).toThrow(ConfigError);
    expect(() => kafkaBusOptionsFromEnv({})).toThrow(/KAFKA_BROKERS: required/);
    expect(() => kafkaBusOptionsFromEnv({ KAFKA_BROKERS: 'kafka' })).toThrow(/KAFKA_BROKERS: expected host:port, got "kafka"/);
    expect(() => kafkaBusOptionsFromEnv({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
    expect(() => kafkaBusOptionsFromEnv({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toThrow(/KAFKA_SASL_PASSWORD/);
    expect(() => kafkaBusOptionsFromEnv({ KAFKA_BROKERS: 'k:9092', KAFKA_PUBLISH_TIMEOUT_MS: 'soon' })).toThrow(/KAFKA_PUBLISH_TIMEOUT_MS/);
    expect(() => kafkaBusOptionsFromEnv({ KAFKA_BROKERS: 'k:9092', KAFKA_LOG_LEVEL: 'loud' })).toThrow(/KAFKA_LOG_LEVEL/);
  });

  it('refuses consumer settings kafkajs would trip over', () => {
    expect(() => resolveKafkaBusOptions({ brokers: ['k:9092'], consumer: { sessionTimeout: 3000, heartbeatInterval: 2000 } })).toThrow(/heartbeatInterval/);
    expect(() => resolveKafkaBusOptions({ brokers: [] })).toThrow(/brokers/);
    expect(() => resolveKafkaBusOptions({ brokers: ['k:9092'], consumer: { commitIntervalMs: -1 } })).toThrow(/commitIntervalMs/);
    expect(resolveKafkaBusOptions({ brokers: ['k:9092'] }).consumer.commitIntervalMs).toBe(0);
    expect(resolveKafkaBusOptions({ brokers: ['k:9092'], consumer: { sessionTimeout: 9000 } }).consumer).toMatchObject({
      sessionTimeout: 9000,
      heartbeatInterval: KAFKA_BUS_DEFAULTS.consumer.heartbeatInterval,
    });
  });
});
