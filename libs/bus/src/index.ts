export * from './message-bus.port';
export { BusUnavailableError, BusClosedError, RetryableError } from './bus-errors';
export { silentBusLog, stderrBusLog, errorFields, type BusLog, type BusLogLevel, type BusLogFields } from './bus-log';
export { assertPublishable, assertTopicName } from './publish-validation';
export { partitionForKey, murmur2 } from './key-partitioner';
export * from './delivery';
export { InProcessBus, IN_PROCESS_BUS_DEFAULTS, type InProcessBusOptions } from './in-process/in-process-bus.adapter';
