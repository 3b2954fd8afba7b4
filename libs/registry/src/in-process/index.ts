export { InProcessConnectionRegistry } from './in-process-connection-registry.adapter';
export { InProcessPodChannel } from './in-process-pod-channel.adapter';
export { InProcessPendingCommandStore, type InProcessPendingCommandStoreOptions } from './in-process-pending-command-store.adapter';
