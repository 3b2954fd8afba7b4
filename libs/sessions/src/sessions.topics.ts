/**
 * Topics the sessions domain publishes to, through its outbox. Keyed by station id, so one
 * station's events keep their order; every payload carries an eventId to deduplicate on (the
 * relay publishes at least once).
 */
export const SESSIONS_TOPICS = {
  /** session-started, session-updated, session-ended. */
  sessionEvents: 'csms.session-events.v1',
  /** station-status-changed (a connector's status, the station's connection). */
  stationEvents: 'csms.station-events.v1',
} as const;

export type SessionsTopic = (typeof SESSIONS_TOPICS)[keyof typeof SESSIONS_TOPICS];
