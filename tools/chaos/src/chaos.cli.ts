// npm run chaos -- [options]: the fault scenarios in their long form, with a markdown report.
import { writeFileSync } from 'node:fs';
import { ChaosPlatform } from './chaos-platform';
import { SHORT_LOAD, type LoadOptions } from './fleet-load';
import { markdownReport } from './report';
import { assignDefaultTariff, runScenario, type ScenarioResult } from './run-scenario';
import { LONG_TIMING, SCENARIOS, type FaultTiming, type ScenarioKey } from './scenarios';

const USAGE = `npm run chaos -- [options]
  --stations N            stations per scenario (default 500)
  --connectors N          connectors per station (default 2)
  --speed N               simulated seconds per real second (default 30)
  --kafka-outage-s N      seconds every Kafka broker is down (default ${LONG_TIMING.kafkaOutageS})
  --redis-down-s N        seconds Redis stays down after its crash (default ${LONG_TIMING.redisDownS})
  --postgres-down-s N     seconds PostgreSQL stays down (default ${LONG_TIMING.postgresDownS})
  --pod-restart-delay-s N seconds before a killed pod is started again (default ${LONG_TIMING.podRestartDelayS})
  --steady-s N            seconds of load before each fault (default 30)
  --after-s N             seconds of load after each fault (default 30)
  --reconnect-timeout-s N bound on every station being back (default 180)
  --settle-timeout-s N    bound on the platform agreeing with the chargers (default 180)
  --scenarios a,b         some of: ${SCENARIOS.map((s) => s.key).join(', ')} (default all)
  --no-billing            do not start the billing service
  --report FILE           also write the markdown report to FILE
  --json FILE             write the raw results as JSON`;

interface CliOptions {
  load: LoadOptions;
  timing: FaultTiming;
  steadyS: number;
  afterS: number;
  reconnectTimeoutS: number;
  settleTimeoutS: number;
  scenarios: ScenarioKey[];
  billing: boolean;
  report?: string;
  json?: string;
}

function parse(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    load: { ...SHORT_LOAD, stations: 500, connectConcurrency: 50 },
    timing: { ...LONG_TIMING },
    steadyS: 30,
    afterS: 30,
    reconnectTimeoutS: 180,
    settleTimeoutS: 180,
    scenarios: SCENARIOS.map((s) => s.key),
    billing: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return next;
    };
    const number = (): number => {
      const raw = value();
      const parsed = Number(raw);
      if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag}: not a number: ${raw}`);
      return parsed;
    };
    switch (flag) {
      case '--stations': options.load = { ...options.load, stations: Math.max(1, Math.floor(number())) }; break;
      case '--connectors': options.load = { ...options.load, connectors: Math.max(1, Math.floor(number())) }; break;
      case '--speed': options.load = { ...options.load, speed: Math.max(1, number()) }; break;
      case '--kafka-outage-s': options.timing = { ...options.timing, kafkaOutageS: number() }; break;
      case '--redis-down-s': options.timing = { ...options.timing, redisDownS: number() }; break;
      case '--postgres-down-s': options.timing = { ...options.timing, postgresDownS: number() }; break;
      case '--pod-restart-delay-s': options.timing = { ...options.timing, podRestartDelayS: number() }; break;
      case '--steady-s': options.steadyS = number(); break;
      case '--after-s': options.afterS = number(); break;
      case '--reconnect-timeout-s': options.reconnectTimeoutS = number(); break;
      case '--settle-timeout-s': options.settleTimeoutS = number(); break;
      case '--scenarios': {
        const keys = value().split(',').map((k) => k.trim()) as ScenarioKey[];
        for (const key of keys) if (!SCENARIOS.some((s) => s.key === key)) throw new Error(`unknown scenario ${key}\n${USAGE}`);
        options.scenarios = keys;
        break;
      }
      case '--no-billing': options.billing = false; break;
      case '--report': options.report = value(); break;
      case '--json': options.json = value(); break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  const startedAt = new Date();
  log('starting the platform (Kafka mock, Redis, PostgreSQL, 2 gateways, sessions, API, billing)');
  const platform = await ChaosPlatform.start({ billing: options.billing });
  const stop = (): void => void platform.stop().finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const results: ScenarioResult[] = [];
  try {
    if (platform.billingEnabled) await assignDefaultTariff(platform);
    for (const scenario of SCENARIOS.filter((s) => options.scenarios.includes(s.key))) {
      results.push(await runScenario(platform, scenario, { ...options, log }));
    }
  } finally {
    await platform.stop();
  }
  const report = markdownReport(results, { command: `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim(), startedAt, billing: platform.billingEnabled });
  process.stdout.write(`${report}\n`);
  if (options.report) writeFileSync(options.report, `${report}\n`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  process.exitCode = results.some((r) => r.problems.length) ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
