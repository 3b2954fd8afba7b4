// Internal: what the global setup started, kept on globalThis so the global teardown finds
// it whichever module instance jest loads it through.
import type { KcatMockCluster } from './kafka';

export interface HarnessState {
  /** Jest projects of this run that called the setup and have not torn down yet. */
  users: number;
  kafka: KcatMockCluster | undefined;
  /** Whether TEST_KAFKA_BROKERS was set by the setup (and is removed at teardown). */
  ownsKafkaEnv: boolean;
}

const KEY = Symbol.for('evcsms.testing.harness');

export function harnessState(): HarnessState | undefined {
  return (globalThis as Record<symbol, HarnessState | undefined>)[KEY];
}

export function setHarnessState(state: HarnessState | undefined): void {
  (globalThis as Record<symbol, HarnessState | undefined>)[KEY] = state;
}
