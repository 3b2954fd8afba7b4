import { ChaosPlatform } from './chaos-platform';
import { SHORT_LOAD } from './fleet-load';
import { markdownReport } from './report';
import { assignDefaultTariff, runScenario, type RunOptions, type ScenarioResult } from './run-scenario';
import { scenario, SHORT_TIMING, type ScenarioKey } from './scenarios';

/**
 * The short fault suite (docs/reliability.md): the distributed platform as real processes under a
 * steady simulated load, one fault per test. After each fault every station must be connected
 * again, every session the chargers finished must exist exactly once with their energy, each
 * must have exactly one CDR (when billing runs), and no process may have needed a manual restart
 * (the killed one is restarted by the harness, as Kubernetes would).
 *
 * The platform is shared by the scenarios, in this order; each scenario has its own stations.
 * The long form is `npm run chaos`.
 */
const OPTIONS: RunOptions = {
  load: SHORT_LOAD,
  timing: SHORT_TIMING,
  steadyS: 8,
  afterS: 6,
  reconnectTimeoutS: 60,
  settleTimeoutS: 60,
  log: (line) => void process.stderr.write(`${line}\n`),
};

describe('fault tests: the distributed platform under load survives its parts failing', () => {
  jest.setTimeout(240_000);
  let platform: ChaosPlatform;
  const results: ScenarioResult[] = [];
  const startedAt = new Date();

  beforeAll(async () => {
    platform = await ChaosPlatform.start();
    if (platform.billingEnabled) await assignDefaultTariff(platform);
  }, 240_000);

  afterAll(async () => {
    if (results.length) {
      const command = 'npx jest tools/chaos --selectProjects e2e';
      process.stderr.write(`\n${markdownReport(results, { command, startedAt, billing: platform?.billingEnabled ?? false })}\n`);
    }
    await platform?.stop();
  });

  async function survives(key: ScenarioKey): Promise<ScenarioResult> {
    const result = await runScenario(platform, scenario(key), OPTIONS);
    results.push(result);
    // One readable assertion: the list of what went wrong, empty when the platform coped.
    expect({ scenario: key, problems: result.problems.slice(0, 20) }).toEqual({ scenario: key, problems: [] });
    expect(result.reconnectedAfterS).not.toBeNull();
    expect(result.sessions.checked).toBeGreaterThan(0);
    expect(result.neededManualRestart).toEqual([]);
    return result;
  }

  it('a gateway pod killed with -9: its chargers fail over to the other pod, every session and CDR is there exactly once', async () => {
    const result = await survives('gateway-kill');
    expect(result.restartedByHarness).toEqual(['gw-a']);
    // The fault bit: gw-a's stations (half the fleet) lost their connection.
    expect(result.maxOffline).toBeGreaterThan(0);
  });

  it('a gateway pod drained by SIGTERM (a rolling update): its chargers move to the other pod, every session and CDR is there exactly once', async () => {
    const result = await survives('gateway-drain');
    expect(result.restartedByHarness).toEqual(['gw-a']);
    expect(result.maxOffline).toBeGreaterThan(0);
  });

  it('the sessions service killed with -9 mid-load: chargers retry until it is back, nothing is lost or counted twice', async () => {
    const result = await survives('sessions-kill');
    expect(result.restartedByHarness).toEqual(['sessions']);
  });

  it('the billing service killed with -9 mid-load: it picks up where it committed, one CDR per finished session', async () => {
    const result = await survives('billing-kill');
    expect(result.restartedByHarness).toEqual(platform.billingEnabled ? ['billing'] : []);
    expect(result.cdrs?.checked ?? 0).toBeGreaterThan(0);
  });

  it('the API killed with -9 mid-load: chargers keep charging and it answers again once replaced', async () => {
    const result = await survives('api-kill');
    expect(result.restartedByHarness).toEqual(['api']);
  });

  it('Redis crashes and comes back empty: the registry is rebuilt, every charger is connected and registered again', async () => {
    const result = await survives('redis-restart');
    expect(result.restartedByHarness).toEqual([]);
  });

  it('every Kafka broker down for seconds: chargers are told to retry, every acknowledged session arrives once', async () => {
    const result = await survives('kafka-outage');
    expect(result.restartedByHarness).toEqual([]);
  });

  it('PostgreSQL restarts with crash recovery: the services reconnect on their own, no session lost or doubled', async () => {
    const result = await survives('postgres-restart');
    expect(result.restartedByHarness).toEqual([]);
  });
});
