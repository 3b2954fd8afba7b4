export { spineFromEnv, type Spine } from './spine';
export { databaseFromEnv, databaseCredentialStore, type Database } from './database';
export { SessionsNode, SESSIONS_GROUP, SESSIONS_PRESENCE_GROUP, DEFAULT_STATION_EVENTS_RETENTION_DAYS, type SessionsNodeOptions } from './sessions-node';
export { StationEventRetention } from './station-event-retention';
export { stopOnSignals, runMain, announceReady } from './process-lifecycle';
export { BillingNode, billingConfigFromEnv, type BillingNodeOptions, type BillingEnvConfig } from './billing-node';
export { MeteredBus } from './metered-bus';
export { queryErrorCounter, registerPoolMetrics } from './database.metrics';
