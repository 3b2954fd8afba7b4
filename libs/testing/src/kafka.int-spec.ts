// The point of this file is a real kafkajs client against the mock cluster (lint exception:
// docs/testing.md).
import { Kafka, logLevel, type Consumer, type EachMessagePayload, type Producer } from 'kafkajs';
import {
  checkKafkaBrokers,
  kafkaBrokers,
  KAFKAJS_TEST_CONSUMER_OPTIONS,
  startKafkaMockCluster,
  uniqueTopic,
  type KafkaMockCluster,
} from './kafka';
import { waitFor } from './wait-for';

jest.setTimeout(60_000);

function kafka(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 5 },
  });
}

interface Received {
  partition: number;
  key: string;
  value: string;
}

async function consumeInto(client: Kafka, topic: string, into: Received[]): Promise<Consumer> {
  const consumer = client.consumer({ groupId: uniqueTopic('group'), ...KAFKAJS_TEST_CONSUMER_OPTIONS });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }: EachMessagePayload) => {
      into.push({ partition, key: message.key!.toString(), value: message.value!.toString() });
      return Promise.resolve();
    },
  });
  return consumer;
}

describe('the shared Kafka mock cluster (kcat, started by the global setup)', () => {
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
  });

  it('is exported to the tests through TEST_KAFKA_BROKERS and reachable', async () => {
    const brokers = kafkaBrokers();
    expect(brokers.length).toBeGreaterThan(0);
    expect(brokers[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    await checkKafkaBrokers(brokers);
  });

  it('carries messages from a kafkajs producer to a consumer group, in order per key', async () => {
    const client = kafka(kafkaBrokers(), 'harness-roundtrip');
    const topic = uniqueTopic('harness-roundtrip');
    producer = client.producer();
    await producer.connect();
    const sent = ['CS-1', 'CS-2', 'CS-3'].flatMap((key) =>
      [1, 2, 3].map((seq) => ({ key, value: `${key}#${seq}` })),
    );
    await producer.send({ topic, messages: sent });

    const received: Received[] = [];
    consumer = await consumeInto(client, topic, received);
    await waitFor(() => received.length >= sent.length, {
      description: `${sent.length} messages on ${topic}`,
      timeoutMs: 30_000,
    });
    expect(received).toHaveLength(sent.length);
    for (const key of ['CS-1', 'CS-2', 'CS-3']) {
      const forKey = received.filter((m) => m.key === key);
      expect(forKey.map((m) => m.value)).toEqual([`${key}#1`, `${key}#2`, `${key}#3`]);
      expect(new Set(forKey.map((m) => m.partition)).size).toBe(1);
    }
  });

  it('auto-creates topics with 4 partitions', async () => {
    const admin = kafka(kafkaBrokers(), 'harness-admin').admin();
    await admin.connect();
    try {
      const topic = uniqueTopic('harness-auto');
      const p = kafka(kafkaBrokers(), 'harness-auto').producer();
      await p.connect();
      await p.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      await p.disconnect();
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]!.partitions).toHaveLength(4);
    } finally {
      await admin.disconnect();
    }
  });

  it('gives unique topic names', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueTopic('t')));
    expect(names.size).toBe(100);
    expect([...names][0]).toMatch(/^t-[a-z0-9]+-[a-z0-9]{6}$/);
  });
});

describe('startKafkaMockCluster (a private, steerable cluster)', () => {
  let cluster: KafkaMockCluster;
  beforeAll(async () => {
    cluster = await startKafkaMockCluster({ brokers: 2, partitions: 6, topics: ['harness-six'] });
  });
  afterAll(() => cluster?.stop());

  it('starts its own brokers and creates topics with the partition count asked for', async () => {
    expect(cluster.brokers).toHaveLength(2);
    expect(cluster.brokerIds).toEqual([1, 2]);
    expect(cluster.brokers).not.toEqual(expect.arrayContaining(kafkaBrokers()));
    await cluster.createTopic('harness-eleven', 11);
    await expect(cluster.createTopic('harness-eleven', 3)).rejects.toThrow(/already exists/);

    const admin = kafka(cluster.brokers, 'harness-private-admin').admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['harness-six', 'harness-eleven'] });
      const counts = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(counts).toEqual({ 'harness-six': 6, 'harness-eleven': 11 });
    } finally {
      await admin.disconnect();
    }
  });

  it('survives an outage: brokers down refuse producers, back up at the same address they serve again', async () => {
    const topic = 'harness-outage';
    await cluster.createTopic(topic, 1);
    const client = new Kafka({
      clientId: 'harness-outage',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { initialRetryTime: 100, maxRetryTime: 300, retries: 2 },
    });
    const producer = client.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ key: 'k', value: 'before' }] });

      await cluster.brokerDown();
      await expect(producer.send({ topic, messages: [{ key: 'k', value: 'during' }] })).rejects.toThrow();

      await cluster.brokerUp();
      await waitFor(
        async () => {
          await producer.send({ topic, messages: [{ key: 'k', value: 'after' }] });
          return true;
        },
        { description: 'the producer to get through after the brokers came back', timeoutMs: 20_000, intervalMs: 200 },
      );
    } finally {
      await producer.disconnect();
    }

    const received: Received[] = [];
    const consumer = await consumeInto(kafka(cluster.brokers, 'harness-outage-consumer'), topic, received);
    try {
      await waitFor(() => received.some((m) => m.value === 'after'), {
        description: 'the message sent after the outage',
        timeoutMs: 30_000,
      });
      expect(received[0]!.value).toBe('before');
      expect(received.filter((m) => m.value === 'after').length).toBeGreaterThanOrEqual(1);
    } finally {
      await consumer.disconnect();
    }
  });

  it('stops: its brokers refuse connections afterwards, and stop() is idempotent', async () => {
    const other = await startKafkaMockCluster();
    await checkKafkaBrokers(other.brokers);
    await other.stop();
    await other.stop();
    await expect(checkKafkaBrokers(other.brokers)).rejects.toThrow(/not reachable/);
    await expect(other.createTopic('x')).rejects.toThrow(/not running/);
  });
});
