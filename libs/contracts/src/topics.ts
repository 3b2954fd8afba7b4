/**
 * Kafka topics. Every message is keyed by station id, so one station's messages share a
 * partition and keep their order. Names carry a version: a breaking envelope change gets a new
 * topic, and consumers migrate one at a time.
 */
export const TOPICS = {
  /** Station-initiated CALLs after validation (envelope: StationCallEnvelope). */
  stationCalls: 'ocpp.station-calls.v1',
  /** Online / offline / activity of station connections (envelope: StationPresenceEnvelope). */
  stationPresence: 'ocpp.station-presence.v1',
  /** Results of CSMS-initiated calls, for audit and for services that react to them. */
  commandResults: 'ocpp.command-results.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
