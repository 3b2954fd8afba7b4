export { GatewayNode, DEFAULT_LEASE_MS, type GatewayNodeOptions, type GatewayNodeDependencies } from './gateway-node';
export { CommandRouter, type SendCommandOptions } from './command-router';
export { BusStationCallHandler } from './bus-call.handler';
export { PodInbox } from './pod-inbox';
export { PresenceOutbox } from './presence-outbox';
export { EdgeDecisionOutbox } from './edge-decision-outbox';
export { StationPresence } from './station-presence';
export { StationCallConsumer, type StationCallProcessor, type StationCallConsumerOptions } from './station-call.consumer';
export { createStationCallMetrics, type StationCallMetrics, type StationCallOutcome } from './station-call.metrics';
