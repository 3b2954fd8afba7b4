// @evcsms/testing: helpers that give tests real services (docs/testing.md).
// global-setup.ts / global-teardown.ts are jest hooks and deliberately not exported here.
export { ENV, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, testDatabaseUrl, testRedisUrl, redactUrl } from './env';
export { freePort } from './ports';
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for';
export {
  createTestDatabase,
  dropDatabase,
  ensureTemplateDatabase,
  dropTemplateDatabase,
  databaseUrl,
  quoteIdent,
  withAdminClient,
  checkPostgres,
  type TestDatabase,
  type CreateTestDatabaseOptions,
} from './postgres';
export { startPgliteServer, PGLITE_SERVER_SCRIPT, type PgliteServer, type PgliteServerOptions } from './pglite';
export {
  createRedisNamespace,
  deleteKeysWithPrefix,
  withRedisClient,
  checkRedis,
  FAIL_FAST_REDIS_OPTIONS,
  type RedisNamespace,
} from './redis';
export {
  kafkaBrokers,
  uniqueTopic,
  startKafkaMockCluster,
  startKcatMockCluster,
  ensureKafkaMockBinary,
  checkKafkaBrokers,
  KAFKAJS_TEST_CONSUMER_OPTIONS,
  BOOTSTRAP_LINE,
  type KafkaMockCluster,
  type KafkaMockClusterOptions,
  type KcatMockCluster,
} from './kafka';
export { RawOcppClient, UpgradeRefused, refusal } from './raw-ocpp-client';
export { strictHttpExchange, parseStrictHttpResponse, upgradeRequest, type StrictHttpResponse } from './strict-http-response';
export { startProcess, temporaryDirectory, type RunningProcess } from './platform-process';
export { OwnRedisServer } from './own-redis-server';
export { OwnPostgresServer, findPostgresBinaries, type OwnPostgresServerOptions, type PostgresStopMode } from './own-postgres-server';
