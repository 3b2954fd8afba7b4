import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One station message no service owns yet (SecurityEventNotification, NotifyEvent...), as received. */
@Entity({ name: 'station_events' })
@Index('uq_station_events_message', ['stationId', 'connectionId', 'messageId'], { unique: true })
@Index('ix_station_events_station_time', ['stationId', 'receivedAt', 'id'])
@Index('ix_station_events_received_at', ['receivedAt'])
export class StationEventEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'increment' })
  id!: string;

  @Column({ name: 'station_id', type: 'text' })
  stationId!: string;

  @Column({ type: 'text' })
  protocol!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId!: string;

  /** The OCPP message id: with the connection, what makes a redelivery recognisable. */
  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
