export { createDataSource, openDatabase, type DatabaseOptions } from './data-source';
export { ENTITIES, MIGRATIONS } from './entities';
export { StationEntity, type BootPolicy } from './sessions/station.entity';
export { ConnectorEntity, ConnectorStatusEventEntity } from './sessions/connector.entity';
export { IdTokenEntity, LocalAuthListEntity, LocalAuthListEntryEntity, type IdTokenStatus } from './sessions/id-token.entity';
export { TransactionEntity, type TransactionStatus } from './sessions/transaction.entity';
export { MeterValueEntity } from './sessions/meter-value.entity';
export { ReservationEntity, type ReservationStatus } from './sessions/reservation.entity';
export { ApiKeyEntity, type ApiScope } from './api/api-key.entity';
export { DomainEventOutboxEntity } from './sessions/domain-event-outbox.entity';
export { StationCredentialLoader, confirmStationCredential, type StationCredentialRow } from './sessions/station-credentials.query';
export type { DataSource } from 'typeorm';
export { listStations, getStation, connectorsOf, markAllStationsOffline, type StationCondition } from './queries/stations.query';
export { SiteEntity, type SiteAddress, type GridConnection, type OpeningTimes, type SiteOperator } from './sites/site.entity';
export {
  StationAdminStore,
  stationAdminTransaction,
  getSite,
  listSites,
  type NewSite,
  type SitePatch,
  type NewStation,
  type StationPatch,
} from './sites/station-admin.store';
export { listSessions, getSession, meterValuesOf, type SessionFilter } from './queries/sessions.query';
export { saveToken, getToken, listTokens, findTokenByValue, isUniqueViolation } from './queries/tokens.query';
export { findApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey } from './queries/api-keys.query';
export { isTransientDatabaseError } from './transient-errors';
export { poolStats, sqlStateClass, type PoolStats } from './database-stats';
export { isInvalidInputDatabaseError } from './input-errors';
export { StationEventEntity } from './station-events/station-event.entity';
export { listStationEvents, pruneStationEvents, type StationEventFilter } from './queries/station-events.query';
export { nextReservationId, insertReservation, updateReservationStatus, getReservation, listReservations, type ReservationFilter } from './queries/reservations.query';
export { getLocalList, recordLocalListVersion, applyLocalListUpdate, type LocalList, type LocalListEntry } from './queries/local-auth-list.query';
export { recordLocalListIntent, settleLocalListUpdate, lastLocalListUpdate, type LocalListUpdateRecord, type LocalListUpdateStatus } from './queries/local-list-updates.query';
export { TariffEntity } from './billing/tariff.entity';
export { TariffAssignmentEntity, type TariffAssignmentScope } from './billing/tariff-assignment.entity';
export { BillingSessionEntity, BillingMeterPointEntity, BillingProcessedEventEntity, type BillingSessionStatus } from './billing/billing-session.entity';
export { CdrEntity, type CdrRecordKind } from './billing/cdr.entity';
export {
  BillingStore,
  billingTransaction,
  type BillingSessionRow,
  type NewBillingSession,
  type TariffAssignmentRow,
  type TariffVersionRow,
  type CdrRow,
  type NewCdr,
  type MeterPointRow,
} from './billing/billing.store';
export {
  insertTariffVersion,
  tariffVersionsOf,
  listLatestTariffs,
  assignTariff,
  listTariffAssignments,
  stationTariffAssignments,
  listCdrs,
  getCdr,
  cdrsIssuedBetween,
  sessionBilling,
  type NewTariffVersion,
  type NewTariffAssignment,
  type AssignmentTarget,
  type TariffAssignmentFilter,
  type CdrFilter,
  type SessionBilling,
} from './queries/billing.query';
