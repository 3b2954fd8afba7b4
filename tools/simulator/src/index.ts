// @evcsms/simulator: simulated OCPP 1.6J / 2.0.1 charging stations for tests, load and fault runs.
export { AcceleratedClock, SystemClock, isoTime, type Clock, type ClockTimer } from './clock/clock';
export { ManualClock } from './clock/manual-clock';
export { handlersFor, type CommandHandler, type CommandHandlers } from './commands/command-handlers';
export { SimulatedStation, type Registration, type StationGroundTruth, type StationSnapshot } from './station/simulated-station';
export { DEFAULT_EV, type EvSpec, type SimulatedStationOptions } from './station/station.options';
export type { Connector, ConnectorStatus, Session, StopReason } from './station/connector.model';
export { Fleet, mergeFleetStats, type DriverBehaviour, type FleetOptions, type FleetStats } from './fleet/fleet';
export { protocolFor, sliceStations, stationIdFor, tokenFor, type MixEntry } from './fleet/fleet-plan';
export { GroundTruthLog, totalsOf, type GroundTruthRecord, type SessionRecord, type StationTotals } from './ground-truth/ground-truth.log';
export { chargingPowerW, integrateCharging, type EvBattery, type PowerLimits } from './charging/power-curve';
export { ChargingProfileStore } from './charging/charging-profile.store';
export { reconnectDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './reconnect/backoff';
export { OfflineQueue } from './queue/offline-queue';
export { VENDOR_QUIRKS, type VendorQuirk } from './rpc/vendor-quirks';
export { CallErrorResponse, CallTimeout, ConnectionLost, ProtocolViolationError } from './rpc/rpc-errors';
export { LatencyHistogram } from './stats/latency-histogram';
export type { ProtocolViolation } from './stats/station-stats';
