import { ApiKeyEntity } from './api/api-key.entity';
import { BillingMeterPointEntity, BillingProcessedEventEntity, BillingSessionEntity } from './billing/billing-session.entity';
import { CdrEntity } from './billing/cdr.entity';
import { TariffAssignmentEntity } from './billing/tariff-assignment.entity';
import { TariffEntity } from './billing/tariff.entity';
import { SessionsSchema1795400000000 } from './migrations/1795400000000-sessions-schema';
import { ApiKeys1795400000100 } from './migrations/1795400000100-api-keys';
import { SessionsOutbox1795400000500 } from './migrations/1795400000500-sessions-outbox';
import { OperatorResources1795400000600 } from './migrations/1795400000600-operator-resources';
import { Billing1795400000700 } from './migrations/1795400000700-billing';
import { StationEvents1795400000800 } from './migrations/1795400000800-station-events';
import { LocalListUpdates1795400000810 } from './migrations/1795400000810-local-list-updates';
import { EdgeAuthorizations1795400000820 } from './migrations/1795400000820-edge-authorizations';
import { SitesAndStationProvisioning1795400000900 } from './migrations/1795400000900-sites-and-station-provisioning';
import { ConnectorEntity, ConnectorStatusEventEntity } from './sessions/connector.entity';
import { DomainEventOutboxEntity } from './sessions/domain-event-outbox.entity';
import { EdgeAuthorizationEntity } from './sessions/edge-authorization.entity';
import { IdTokenEntity, LocalAuthListEntity, LocalAuthListEntryEntity } from './sessions/id-token.entity';
import { MeterValueEntity } from './sessions/meter-value.entity';
import { ReservationEntity } from './sessions/reservation.entity';
import { StationEntity } from './sessions/station.entity';
import { SiteEntity } from './sites/site.entity';
import { TransactionEntity } from './sessions/transaction.entity';
import { StationEventEntity } from './station-events/station-event.entity';

export const ENTITIES = [
  StationEntity,
  ConnectorEntity,
  ConnectorStatusEventEntity,
  IdTokenEntity,
  LocalAuthListEntity,
  LocalAuthListEntryEntity,
  TransactionEntity,
  MeterValueEntity,
  ReservationEntity,
  ApiKeyEntity,
  DomainEventOutboxEntity,
  TariffEntity,
  TariffAssignmentEntity,
  BillingSessionEntity,
  BillingMeterPointEntity,
  BillingProcessedEventEntity,
  CdrEntity,
  SiteEntity,
  StationEventEntity,
  EdgeAuthorizationEntity,
];

/** In order; never edit one that has shipped, add a new one. */
export const MIGRATIONS = [
  SessionsSchema1795400000000,
  ApiKeys1795400000100,
  SessionsOutbox1795400000500,
  OperatorResources1795400000600,
  Billing1795400000700,
  StationEvents1795400000800,
  LocalListUpdates1795400000810,
  EdgeAuthorizations1795400000820,
  SitesAndStationProvisioning1795400000900,
];
