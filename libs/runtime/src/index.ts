export { spineFromEnv, type Spine } from './spine';
export { databaseFromEnv, databaseCredentialStore, type Database } from './database';
