import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One connector in 2.0.1's EVSE/connector model. A 1.6 connectorId N is EVSE N, connector 1;
 * 1.6 connectorId 0 (the station itself) is EVSE 0, connector 0.
 */
@Entity({ name: 'connectors' })
export class ConnectorEntity {
  @PrimaryColumn({ name: 'station_id', type: 'text' })
  stationId!: string;

  @PrimaryColumn({ name: 'evse_id', type: 'integer' })
  evseId!: number;

  @PrimaryColumn({ name: 'connector_id', type: 'integer' })
  connectorId!: number;

  /** Normalised status: Available, Occupied, Reserved, Unavailable, Faulted (plus 1.6 detail in ocppStatus). */
  @Column({ type: 'text' })
  status!: string;

  /** The status exactly as the station sent it (1.6: Preparing, Charging, SuspendedEV...). */
  @Column({ name: 'ocpp_status', type: 'text' })
  ocppStatus!: string;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ name: 'status_at', type: 'timestamptz' })
  statusAt!: Date;
}

/** Every status change, for history and for closing sessions a 1.6 station never stopped. */
@Entity({ name: 'connector_status_events' })
@Index('uq_connector_status_events', ['stationId', 'evseId', 'connectorId', 'at', 'ocppStatus'], { unique: true })
export class ConnectorStatusEventEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment' })
  id!: string;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ name: 'evse_id', type: 'integer' })
  evseId!: number;

  @Column({ name: 'connector_id', type: 'integer' })
  connectorId!: number;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'ocpp_status', type: 'text' })
  ocppStatus!: string;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
