import { InProcessBus } from '@evcsms/bus';
import { InProcessConnectionRegistry, InProcessPendingCommandStore, InProcessPodChannel } from '@evcsms/registry';
import { describeRoutingScenarios } from '../test/routing-scenarios.suite';

describeRoutingScenarios('in-process adapters', async () => {
  const bus = new InProcessBus();
  const registry = new InProcessConnectionRegistry();
  const channel = new InProcessPodChannel();
  const pendingCommands = new InProcessPendingCommandStore();
  return {
    bus,
    registry: () => registry,
    channel: () => channel,
    pendingCommands: () => pendingCommands,
    cleanup: () => bus.close(),
  };
});
