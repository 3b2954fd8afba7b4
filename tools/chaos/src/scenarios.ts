import type { ChaosPlatform, PlatformRole } from './chaos-platform';

export interface FaultTiming {
  /** Real seconds a killed pod stays dead before the harness starts it again (Kubernetes restart delay). */
  readonly podRestartDelayS: number;
  /** Real seconds Redis is down (crashed, its data gone) before it comes back. */
  readonly redisDownS: number;
  /** Real seconds every Kafka broker is down. */
  readonly kafkaOutageS: number;
  /** Real seconds PostgreSQL is down (stopped like a crash: no checkpoint) before it comes back. */
  readonly postgresDownS: number;
}

export const SHORT_TIMING: FaultTiming = { podRestartDelayS: 3, redisDownS: 3, kafkaOutageS: 8, postgresDownS: 5 };
export const LONG_TIMING: FaultTiming = { podRestartDelayS: 10, redisDownS: 10, kafkaOutageS: 30, postgresDownS: 15 };

export type ScenarioKey = 'baseline' | 'gateway-kill' | 'gateway-drain' | 'sessions-kill' | 'billing-kill' | 'api-kill' | 'redis-restart' | 'kafka-outage' | 'postgres-restart';

export interface FaultScenario {
  readonly key: ScenarioKey;
  /** Short tag for station ids and tokens. */
  readonly tag: string;
  readonly title: string;
  /** What the fault is, for the report. */
  describe(timing: FaultTiming): string;
  /** The process this scenario kills, which the harness then restarts as Kubernetes would. */
  readonly killed?: PlatformRole;
  /** Injects the fault and undoes it (restarts what died); resolves when the fault is over. */
  inject(platform: ChaosPlatform, timing: FaultTiming): Promise<void>;
}

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** kill -9 of one process, which the harness starts again after the pod restart delay, as Kubernetes would. */
function killAndReplace(key: ScenarioKey, tag: string, role: PlatformRole, title: string, describe: (timing: FaultTiming) => string): FaultScenario {
  return {
    key,
    tag,
    title,
    killed: role,
    describe,
    async inject(platform, timing) {
      await platform.kill(role);
      await sleep(timing.podRestartDelayS);
      await platform.restart(role);
    },
  };
}

export const SCENARIOS: readonly FaultScenario[] = [
  {
    key: 'baseline',
    tag: 'BAS',
    title: 'no fault: the control run, the same load and the same checks',
    describe: () => 'none (control run)',
    async inject() {
      // The control: nothing fails.
    },
  },
  killAndReplace(
    'gateway-kill', 'GWK', 'gw-a', 'a gateway pod is killed with -9: its chargers move to the other pod, nothing is lost or doubled',
    (t) => `kill -9 of gateway gw-a; its stations reconnect to gw-b (failover URL); gw-a is started again after ${t.podRestartDelayS} s`,
  ),
  {
    key: 'gateway-drain',
    tag: 'GWD',
    title: 'a gateway pod is drained (SIGTERM, a rolling update): its chargers move over, nothing is lost or doubled',
    killed: 'gw-a',
    describe: (t) =>
      `SIGTERM to gateway gw-a: not ready at once, calls in flight finished, its stations closed with 1012 over the drain window and reconnecting to gw-b; gw-a started again after ${t.podRestartDelayS} s`,
    async inject(platform, timing) {
      await platform.drain('gw-a');
      await sleep(timing.podRestartDelayS);
      await platform.restart('gw-a');
    },
  },
  killAndReplace(
    'sessions-kill', 'SSK', 'sessions', 'the sessions service is killed with -9 mid-load: chargers retry, every session is recorded once',
    (t) => `kill -9 of the sessions service; started again after ${t.podRestartDelayS} s (its consumer group takes the partitions back)`,
  ),
  killAndReplace(
    'billing-kill', 'BLK', 'billing', 'the billing service is killed with -9 mid-load: it resumes from its last commit, one CDR per session',
    (t) => `kill -9 of the billing service; started again after ${t.podRestartDelayS} s (session events it had not committed are delivered again)`,
  ),
  killAndReplace(
    'api-kill', 'APK', 'api', 'the API is killed with -9 mid-load: chargers never notice, it answers again when replaced',
    (t) => `kill -9 of the API process; started again after ${t.podRestartDelayS} s`,
  ),
  {
    key: 'redis-restart',
    tag: 'RDS',
    title: 'Redis crashes and comes back empty: the registry is rebuilt, chargers stay served',
    describe: (t) => `kill -9 of redis-server (no persistence: every registry entry, lease and queued command is lost); started again empty on the same port after ${t.redisDownS} s`,
    async inject(platform, timing) {
      await platform.redis.crash();
      await sleep(timing.redisDownS);
      await platform.redis.start();
    },
  },
  {
    key: 'kafka-outage',
    tag: 'KFK',
    title: 'every Kafka broker is down for a while: chargers are told to retry, nothing acknowledged is lost',
    describe: (t) => `all brokers of the Kafka mock cluster down (connections dropped, new ones refused) for ${t.kafkaOutageS} s, then up again with their data`,
    async inject(platform, timing) {
      await platform.kafka.brokerDown();
      await sleep(timing.kafkaOutageS);
      await platform.kafka.brokerUp();
    },
  },
  {
    key: 'postgres-restart',
    tag: 'PGR',
    title: 'PostgreSQL restarts (immediate stop, crash recovery): services reconnect, no session lost or doubled',
    describe: (t) => `PostgreSQL stopped in immediate mode (SIGQUIT: like a crash, WAL replay at start), started again after ${t.postgresDownS} s`,
    async inject(platform, timing) {
      await platform.postgres.stop({ mode: 'immediate' });
      await sleep(timing.postgresDownS);
      await platform.postgres.start();
    },
  },
];

export function scenario(key: ScenarioKey): FaultScenario {
  const found = SCENARIOS.find((s) => s.key === key);
  if (!found) throw new Error(`no scenario ${key}`);
  return found;
}
