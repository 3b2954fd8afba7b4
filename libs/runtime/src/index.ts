export { spineFromEnv, type Spine } from './spine';
export { databaseFromEnv, databaseCredentialStore, type Database } from './database';
export { SessionsNode, SESSIONS_GROUP, SESSIONS_PRESENCE_GROUP } from './sessions-node';
export { stopOnSignals, runMain, announceReady } from './process-lifecycle';
export { BillingNode, billingConfigFromEnv, type BillingNodeOptions, type BillingEnvConfig } from './billing-node';
