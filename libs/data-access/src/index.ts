export { createDataSource, openDatabase, type DatabaseOptions } from './data-source';
export { ENTITIES, MIGRATIONS } from './entities';
export { StationEntity, type BootPolicy } from './sessions/station.entity';
export { ConnectorEntity, ConnectorStatusEventEntity } from './sessions/connector.entity';
export { IdTokenEntity, LocalAuthListEntity, type IdTokenStatus } from './sessions/id-token.entity';
export { TransactionEntity, type TransactionStatus } from './sessions/transaction.entity';
export { MeterValueEntity } from './sessions/meter-value.entity';
export { ReservationEntity, type ReservationStatus } from './sessions/reservation.entity';
export { ApiKeyEntity, type ApiScope } from './api/api-key.entity';
