// Jest globalTeardown of the integration and e2e tiers: stops what global-setup.ts started.
import { ENV } from './env';
import { harnessState, setHarnessState } from './harness-state';

export default async function globalTeardown(): Promise<void> {
  const state = harnessState();
  if (!state) return;
  state.users -= 1;
  if (state.users > 0) return;
  setHarnessState(undefined);
  await state.kafka?.stop();
  // Forget the address so a later run in this process (watch mode) starts a new cluster.
  if (state.ownsKafkaEnv) delete process.env[ENV.kafkaBrokers];
}
