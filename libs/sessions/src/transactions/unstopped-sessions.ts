import { sessionEventsOf } from '../domain/domain-events';
import { SESSION_FLAGS, withFlag } from '../domain/session.model';
import type { UnitOfWork } from '../infrastructure/unit-of-work';
import { SessionRepository } from './session.repository';

export interface UnstoppedSessionsQuery {
  readonly stationId: string;
  readonly evseId: number;
  readonly connectorId: number;
  /** Sessions that started at or before this time are over; it becomes their ended_at. */
  readonly endedAt: Date;
  /** Only sessions older than this (the station's last boot): the station lost them rebooting. */
  readonly startedBefore?: Date | null;
  /** A session to leave alone (the one that is starting). */
  readonly exceptId?: string;
  readonly receivedAt: Date;
}

/**
 * 1.6: closes the sessions a station will never stop (it went back to Available, it rebooted, it
 * started another on the same connector). Energy stays what was last counted; if the real
 * StopTransaction turns up later it completes the session (stop-arrived-late).
 */
export async function closeUnstoppedSessions(uow: UnitOfWork, query: UnstoppedSessionsQuery): Promise<number> {
  const sessions = new SessionRepository(uow.sql);
  const active = await sessions.lockActiveOnConnector(query.stationId, query.evseId, query.connectorId, query.endedAt);
  let closed = 0;
  for (const session of active) {
    if (session.id === query.exceptId) continue;
    if (query.startedBefore !== undefined && (!query.startedBefore || session.startedAt.getTime() >= query.startedBefore.getTime())) continue;
    const after = { ...session, status: 'completed' as const, endedAt: query.endedAt, flags: withFlag(session.flags, SESSION_FLAGS.closedWithoutStop) };
    await sessions.save(session, after);
    uow.emit(...sessionEventsOf(session, after, query.receivedAt));
    closed += 1;
  }
  return closed;
}
