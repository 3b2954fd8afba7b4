import { describePendingCommandStoreContract } from '../../test/pending-command-store-contract.suite';
import { describePodChannelContract } from '../../test/pod-channel-contract.suite';
import { describeRegistryContract } from '../../test/registry-contract.suite';
import { InProcessConnectionRegistry } from './in-process-connection-registry.adapter';
import { InProcessPendingCommandStore } from './in-process-pending-command-store.adapter';
import { InProcessPodChannel } from './in-process-pod-channel.adapter';

// Embedded mode is one process: every "client" of a store is the same object.
function oneProcess<T>(adapter: T, close: () => Promise<void> = () => Promise.resolve()) {
  return Promise.resolve({ client: () => Promise.resolve(adapter), close });
}

describeRegistryContract('in-process', () => {
  const registry = new InProcessConnectionRegistry();
  return oneProcess(registry, () => registry.close());
});

describePodChannelContract('in-process', () => oneProcess(new InProcessPodChannel()));

describePendingCommandStoreContract('in-process', (options) => oneProcess(new InProcessPendingCommandStore(options)));
