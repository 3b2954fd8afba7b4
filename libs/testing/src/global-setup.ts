// Jest globalSetup of the integration and e2e tiers (jest.config.js). Runs once per run in
// jest's parent process, before any worker starts; workers inherit the environment it sets.
//
// It fails the run, loudly, when a service cannot be had: a test that needs a service is
// never skipped for want of it.
import { ENV, redactUrl, testDatabaseUrl, testRedisUrl } from './env';
import { checkKafkaBrokers, startKcatMockCluster } from './kafka';
import { harnessState, setHarnessState } from './harness-state';
import { checkPostgres, dropStaleTestDatabases } from './postgres';
import { checkRedis } from './redis';

function log(message: string): void {
  process.stdout.write(`[evcsms/testing] ${message}\n`);
}

export default async function globalSetup(): Promise<void> {
  const existing = harnessState();
  if (existing) {
    // Several projects of one jest run share the services (jest calls each project's setup).
    existing.users += 1;
    return;
  }

  process.env[ENV.databaseUrl] = testDatabaseUrl();
  process.env[ENV.redisUrl] = testRedisUrl();

  const problems: string[] = [];
  const found: string[] = [];
  const [postgres, redis] = await Promise.allSettled([checkPostgres(), checkRedis()]);
  if (postgres.status === 'fulfilled') {
    found.push(`PostgreSQL ${postgres.value} at ${redactUrl(testDatabaseUrl())}`);
  } else {
    problems.push((postgres.reason as Error).message);
  }
  if (redis.status === 'fulfilled') {
    found.push(`Redis ${redis.value} at ${redactUrl(testRedisUrl())}`);
  } else {
    problems.push((redis.reason as Error).message);
  }

  const presetBrokers = process.env[ENV.kafkaBrokers];
  let kafka: Awaited<ReturnType<typeof startKcatMockCluster>> | undefined;
  try {
    if (presetBrokers) {
      await checkKafkaBrokers(presetBrokers.split(',').filter(Boolean));
      found.push(`Kafka at ${presetBrokers} (from ${ENV.kafkaBrokers})`);
    } else {
      kafka = await startKcatMockCluster();
      process.env[ENV.kafkaBrokers] = kafka.brokers.join(',');
      found.push(`Kafka mock cluster (kcat, pid ${kafka.pid}) at ${kafka.brokers.join(',')}`);
    }
  } catch (err) {
    problems.push(`${(err as Error).message}${presetBrokers ? ` (${ENV.kafkaBrokers}=${presetBrokers})` : ''}`);
  }

  if (problems.length) {
    await kafka?.stop();
    if (kafka) delete process.env[ENV.kafkaBrokers];
    throw new Error(
      `The test harness could not get the services the integration/e2e tests need ` +
        `(tests fail rather than skip; see docs/testing.md):\n - ${problems.join('\n - ')}`,
    );
  }

  const stale = await dropStaleTestDatabases().catch(() => []);
  if (stale.length) found.push(`dropped ${stale.length} stale test database(s)`);
  log(found.join('; '));

  setHarnessState({ users: 1, kafka, ownsKafkaEnv: Boolean(kafka) });
}
