// The e2e tier runs real processes. This proves the harness's wiring for them: a separate
// Node process, configured only through the platform's env contract (DATABASE_URL,
// REDIS_URL, KAFKA_BROKERS), reaches the services the global setup provided.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
// The harness proves real clients against its services; see docs/testing.md (lint exception).
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import {
  createRedisNamespace,
  createTestDatabase,
  kafkaBrokers,
  KAFKAJS_TEST_CONSUMER_OPTIONS,
  uniqueTopic,
  waitFor,
  type RedisNamespace,
  type TestDatabase,
} from './index';

jest.setTimeout(60_000);

const CHILD = `
const { Client } = require('pg');
const Redis = require('ioredis');
const { Kafka, logLevel } = require('kafkajs');
(async () => {
  const pg = new Client({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const { rows } = await pg.query('SELECT current_database() AS db');
  await pg.query('CREATE TABLE written_by_child (v text)');
  await pg.query("INSERT INTO written_by_child VALUES ('hello')");
  await pg.end();
  const redis = new Redis(process.env.REDIS_URL);
  await redis.set(process.env.KEY_PREFIX + 'child', String(process.pid));
  await redis.quit();
  const kafka = new Kafka({ clientId: 'e2e-child', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.ERROR });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: process.env.TOPIC, messages: [{ key: 'CS-1', value: 'from the child process' }] });
  await producer.disconnect();
  console.log(JSON.stringify({ db: rows[0].db, pid: process.pid }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

describe('harness services reach a separate process through the env contract', () => {
  let db: TestDatabase;
  let ns: RedisNamespace;
  beforeAll(async () => {
    [db, ns] = await Promise.all([createTestDatabase(), createRedisNamespace()]);
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), ns?.cleanup()]);
  });

  it('Postgres, Redis and Kafka all work from the child', async () => {
    const topic = uniqueTopic('e2e-harness');
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', CHILD], {
      cwd: resolve(__dirname, '../../..'),
      timeout: 30_000,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: ns.url,
        KEY_PREFIX: ns.prefix,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        TOPIC: topic,
      },
    });
    const child = JSON.parse(stdout.trim()) as { db: string; pid: number };
    expect(child.db).toBe(db.name);

    const redis = new Redis(ns.url);
    try {
      expect(await redis.get(`${ns.prefix}child`)).toBe(String(child.pid));
    } finally {
      await redis.quit();
    }

    const consumer = new Kafka({ clientId: 'e2e-harness', brokers: kafkaBrokers(), logLevel: logLevel.ERROR }).consumer({
      groupId: uniqueTopic('e2e-group'),
      ...KAFKAJS_TEST_CONSUMER_OPTIONS,
    });
    const values: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ message }) => {
          values.push(message.value!.toString());
          return Promise.resolve();
        },
      });
      await waitFor(() => values.length > 0, { description: `the child's message on ${topic}`, timeoutMs: 30_000 });
      expect(values).toEqual(['from the child process']);
    } finally {
      await consumer.disconnect();
    }
  });
});
