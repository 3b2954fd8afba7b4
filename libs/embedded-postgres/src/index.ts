export { startEmbeddedPostgres, PGLITE_SERVER_SCRIPT, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';
