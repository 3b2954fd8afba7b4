import type { ChaosPlatform, PlatformRole } from './chaos-platform';
import { cdrProblems, checkCdrs, checkSessions, sessionProblems, type CdrCheck, type SessionCheck } from './checks';
import { FleetLoad, type LoadOptions } from './fleet-load';
import type { FaultScenario, FaultTiming } from './scenarios';

export interface RunOptions {
  readonly load: LoadOptions;
  readonly timing: FaultTiming;
  /** Real seconds of steady load before the fault. */
  readonly steadyS: number;
  /** Real seconds of load after the fault is over, before the run settles. */
  readonly afterS: number;
  /** Bound on every station being connected again after the fault began. */
  readonly reconnectTimeoutS: number;
  /** Bound on the platform agreeing with the chargers after they finished (sessions, then CDRs). */
  readonly settleTimeoutS: number;
  readonly log?: (line: string) => void;
}

export interface ScenarioResult {
  readonly key: string;
  readonly title: string;
  readonly fault: string;
  readonly stations: number;
  /**
   * Seconds from the end of the fault (the killed pod started again, the broker / Redis / PostgreSQL
   * back) until every station was connected and registered again; null: not within the bound.
   */
  readonly reconnectedAfterS: number | null;
  readonly faultS: number;
  /** Most stations offline at once (simulator side) during the fault. */
  readonly maxOffline: number;
  /** Seconds from the fault's start until the simulator had every station online again (null: none dropped). */
  readonly backOnlineAfterS: number | null;
  readonly sessions: Omit<SessionCheck, 'matched'>;
  /** null: billing is not running in this build. */
  readonly cdrs: CdrCheck | null;
  /** The killed process, started again by the harness as Kubernetes would. */
  readonly restartedByHarness: PlatformRole[];
  /** Processes that died or changed without the harness killing them: each needed a manual restart. */
  readonly neededManualRestart: PlatformRole[];
  readonly callErrors: Readonly<Record<string, number>>;
  readonly callTimeouts: number;
  readonly violations: number;
  readonly problems: string[];
  readonly durationS: number;
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;
const sleep = (s: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, s * 1000));

/** Stations of the fleet the registry (GET /api/v1/connections) holds right now. */
async function registered(platform: ChaosPlatform, load: FleetLoad): Promise<number> {
  const wanted = new Set(load.stationIds);
  const connections = await platform.api.all<{ stationId: string }>('/connections', 500);
  return connections.filter((c) => wanted.has(c.stationId)).length;
}

/** Polls until every station is online at the simulator and in the registry; returns when, or null at the bound. */
async function allConnected(platform: ChaosPlatform, load: FleetLoad, timeoutS: number): Promise<number | null> {
  const deadline = Date.now() + timeoutS * 1000;
  const total = load.stationIds.length;
  while (Date.now() < deadline) {
    if (load.onlineStations() === total && (await registered(platform, load).catch(() => -1)) === total) return Date.now();
    await sleep(0.25);
  }
  return null;
}

/** Watches, every 100 ms, how many stations are offline at the simulator, and when all are back. */
function watchOnline(load: FleetLoad): { stop(): { maxOffline: number; backOnlineAt: number | null } } {
  const total = load.stationIds.length;
  let maxOffline = 0;
  let backOnlineAt: number | null = null;
  const timer = setInterval(() => {
    const offline = total - load.onlineStations();
    if (offline > maxOffline) maxOffline = offline;
    if (offline > 0) backOnlineAt = null;
    else if (maxOffline > 0 && backOnlineAt === null) backOnlineAt = Date.now();
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return { maxOffline, backOnlineAt };
    },
  };
}

/** Runs `check` until it reports no problem or the bound passes; returns the last result. */
async function settle<T>(timeoutS: number, check: () => Promise<T>, problems: (result: T) => string[]): Promise<T> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    let result: T | undefined;
    try {
      result = await check();
      if (problems(result).length === 0 || Date.now() >= deadline) return result;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await sleep(1);
  }
}

/**
 * One fault under load: steady load -> fault (and the restart of what was killed) -> every station
 * connected again -> more load -> chargers finish and flush -> the platform is checked against
 * the chargers' ground truth, and every process is checked to be the one that was running before.
 */
export async function runScenario(platform: ChaosPlatform, scenario: FaultScenario, options: RunOptions): Promise<ScenarioResult> {
  const log = options.log ?? ((): void => undefined);
  const started = Date.now();
  const problems: string[] = [];
  const pidsBefore = new Map(platform.processReport().map((p) => [p.role, p.pids.at(-1)]));
  const restartsBefore = new Map(platform.processReport().map((p) => [p.role, p.restartsByHarness]));

  log(`[${scenario.key}] starting ${options.load.stations} stations`);
  const load = await FleetLoad.start(platform.api, platform.ocppUrls(), `${scenario.tag}${Date.now().toString(36).slice(-4)}`, options.load);
  let reconnectedAt: number | null = null;
  let faultStart = 0;
  let faultEnd = 0;
  let dropped = { maxOffline: 0, backOnlineAt: null as number | null };
  try {
    if ((await allConnected(platform, load, options.reconnectTimeoutS)) === null) {
      throw new Error(`[${scenario.key}] the fleet did not come online before the fault (${load.onlineStations()}/${options.load.stations} online)`);
    }
    log(`[${scenario.key}] steady load for ${options.steadyS} s`);
    await sleep(options.steadyS);
    const finishedBeforeFault = load.sessions().length;
    log(`[${scenario.key}] fault: ${scenario.describe(options.timing)} (${finishedBeforeFault} sessions finished so far)`);
    faultStart = Date.now();
    const watch = watchOnline(load);
    await scenario.inject(platform, options.timing);
    faultEnd = Date.now();
    reconnectedAt = await allConnected(platform, load, options.reconnectTimeoutS);
    dropped = watch.stop();
    if (reconnectedAt === null) {
      problems.push(`not every station connected again within ${options.reconnectTimeoutS} s: ${load.onlineStations()}/${options.load.stations} online at the simulator, ${await registered(platform, load).catch(() => 'unknown')} registered`);
    }
    log(`[${scenario.key}] ${reconnectedAt ? `all connected ${seconds(reconnectedAt - faultEnd)} s after the fault was over` : 'NOT all connected'}; load for ${options.afterS} s more`);
    await sleep(options.afterS);
  } finally {
    await load.finish(options.settleTimeoutS * 1000);
  }

  const truth = load.sessions();
  log(`[${scenario.key}] chargers finished ${truth.length} sessions (${truth.filter((s) => !s.delivered).length} undelivered); checking the platform`);
  const sessions = await settle(options.settleTimeoutS, () => checkSessions(platform.api, load.stationIds, truth), sessionProblems);
  problems.push(...sessionProblems(sessions));
  if (truth.filter((s) => s.delivered).length === 0) problems.push('no session finished during the run: the scenario proved nothing');

  let cdrs: CdrCheck | null = null;
  if (platform.billingEnabled && (await platform.api.hasCdrs())) {
    cdrs = await settle(options.settleTimeoutS, () => checkCdrs(platform.api, sessions.matched), cdrProblems);
    problems.push(...cdrProblems(cdrs));
  }

  const restartedByHarness: PlatformRole[] = [];
  const neededManualRestart: PlatformRole[] = [];
  for (const report of platform.processReport()) {
    const byHarness = report.restartsByHarness - (restartsBefore.get(report.role) ?? 0);
    if (byHarness > 0) restartedByHarness.push(report.role);
    const replaced = report.pids.at(-1) !== pidsBefore.get(report.role);
    if (!report.alive || (replaced && report.role !== scenario.killed)) neededManualRestart.push(report.role);
  }
  for (const role of neededManualRestart) problems.push(`process ${role} died and would need a manual restart:\n${platform.tail(role)}`);

  const stats = load.fleet.stats();
  if (stats.violationCount > 0) problems.push(`${stats.violationCount} OCPP schema violations, first: ${JSON.stringify(stats.violations[0])}`);
  const { matched: _matched, ...sessionSummary } = sessions;
  const result: ScenarioResult = {
    key: scenario.key,
    title: scenario.title,
    fault: scenario.describe(options.timing),
    stations: options.load.stations,
    reconnectedAfterS: reconnectedAt === null ? null : seconds(reconnectedAt - faultEnd),
    faultS: seconds(faultEnd - faultStart),
    maxOffline: dropped.maxOffline,
    backOnlineAfterS: dropped.backOnlineAt === null ? null : seconds(dropped.backOnlineAt - faultStart),
    sessions: sessionSummary,
    cdrs,
    restartedByHarness,
    neededManualRestart,
    callErrors: stats.errorCodes,
    callTimeouts: stats.callTimeouts,
    violations: stats.violationCount,
    problems,
    durationS: seconds(Date.now() - started),
  };
  log(`[${scenario.key}] done in ${result.durationS} s: ${problems.length ? `${problems.length} problems` : 'no problems'}`);
  return result;
}

/** A tariff for everything (default assignment), so every finished session gets a CDR. */
export async function assignDefaultTariff(platform: ChaosPlatform): Promise<void> {
  const tariff = await platform.api.request<{ id: string }>('POST', '/tariffs', {
    country_code: 'NL',
    party_id: 'EVC',
    currency: 'EUR',
    type: 'REGULAR',
    elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }, { type: 'FLAT', price: 0.5, vat: 21, step_size: 1 }] }],
  });
  if (tariff.status !== 201) throw new Error(`creating the tariff: HTTP ${tariff.status} ${JSON.stringify(tariff.body)}`);
  const assignment = await platform.api.request('POST', '/tariff-assignments', { scope: 'default', tariffId: tariff.body.id });
  if (assignment.status !== 201) throw new Error(`assigning the default tariff: HTTP ${assignment.status} ${JSON.stringify(assignment.body)}`);
}
