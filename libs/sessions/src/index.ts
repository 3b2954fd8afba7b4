// @evcsms/sessions: stations, boot policy, connector status, authorization, transactions and
// reservations, for OCPP 1.6J and 2.0.1 (docs/sessions.md). Plain classes over a TypeORM
// DataSource; a Nest module wraps them in the sessions app.
export {
  SessionsProcessors,
  createSessionsProcessors,
  createPresenceProcessor,
  createPresenceBatchProcessor,
  type StationPresenceProcessor,
  type StationPresenceBatchProcessor,
} from './sessions.processors';
export { resolveOptions, type SessionsOptions, type ResolvedSessionsOptions, type RegistrationStatus } from './sessions.options';
export { SESSIONS_TOPICS, type SessionsTopic } from './sessions.topics';
export { STATION_EVENT_ACTIONS } from './station-events/station-event.actions';
export { OutboxRelay, type OutboxRelayOptions } from './infrastructure/outbox-relay';
export type { SessionsDataSource, SqlSession, SqlQueryResult } from './infrastructure/database.port';
export { inTransaction, UnitOfWork, Sql } from './infrastructure/unit-of-work';
export type { DomainEvent, SessionEvent, StationStatusChangedEvent, SessionSnapshot } from './domain/domain-events';
export { SESSION_FLAGS, type SessionFlag, type SessionState, type SessionStatus } from './domain/session.model';
export type { AuthorizationStatus, AuthorizationDecision, IdTokenRef, IdTokenType } from './domain/authorization';
export type { ConnectorStatus } from './domain/connector-status';
export { tallyEnergy, extendTally, type RegisterReading, type EnergyTally } from './domain/energy';
export { parseDecimal, toPlainString, toInteger, shift, type Decimal } from './domain/decimal';
