import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RawOcppClient, startProcess, temporaryDirectory, type RunningProcess } from '@evcsms/testing';

const ROOT = join(__dirname, '..', '..');
const ADMIN_KEY = 'e2e-dist-admin-key-0123456789abcdef';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- log lines are asserted field by field
const logEntries = (output: readonly string[]): any[] => output.filter((line) => line.startsWith('{"time"')).map((line) => JSON.parse(line));

/** The compiled builds run as the source does: native uWS, PGlite's wasm and its server process load from dist. */
describe('apps built to dist/ (npm run build)', () => {
  jest.setTimeout(60_000);
  const data = temporaryDirectory('dist-e2e-');
  const running: RunningProcess[] = [];

  beforeAll(() => {
    // Always rebuild: a stale dist would test yesterday's code (about 2 s for both apps).
    execFileSync(process.execPath, ['tools/build/build-app.mjs', 'csms', 'ocpp-gateway'], { cwd: ROOT, stdio: 'pipe' });
  });
  afterAll(async () => {
    for (const process of running) await process.stop('SIGKILL');
    data.remove();
  });

  it('the CSMS from dist/apps/csms/main.js: ready, boots a 1.6 station, serves the API, stops on SIGTERM', async () => {
    expect(existsSync(join(ROOT, 'dist/apps/csms/main.js.map'))).toBe(true);
    const csms = await startProcess('dist/apps/csms/main.js', { OCPP_PORT: '0', HTTP_PORT: '0', DATA_DIR: data.path, ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'info' });
    running.push(csms);
    const httpPort = csms.ready['httpPort'] as number;
    expect((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status).toBe(200);
    // PGlite ran as its own process from the pglite-server.mjs copied next to main.js.
    expect(logEntries(csms.output)).toContainEqual(expect.objectContaining({ msg: 'embedded PostgreSQL (PGlite) started' }));

    const cp = await RawOcppClient.connect(`ws://127.0.0.1:${csms.ready['ocppPort'] as number}/ocpp/E2E-DIST-1`, { protocols: ['ocpp1.6'] });
    const boot = await cp.call('1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22' }, 15_000);
    expect(boot[2]).toMatchObject({ status: 'Accepted' });
    // ConnectionsController gets its registry reader by constructor type alone: only the
    // decorator metadata swc emitted into the bundle tells NestJS what to inject.
    const connection = await fetch(`http://127.0.0.1:${httpPort}/api/v1/connections/E2E-DIST-1`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(connection.status).toBe(200);
    expect(await connection.json()).toMatchObject({ stationId: 'E2E-DIST-1' });
    cp.terminate();

    expect(await csms.stop('SIGTERM')).toBe(0);
    const entries = logEntries(csms.output);
    expect(entries[entries.length - 1]).toMatchObject({ msg: 'stopped', signal: 'SIGTERM', exitCode: 0 });
  });

  it('the gateway from dist/apps/ocpp-gateway/main.js loads the uWebSockets.js binary and stops cleanly on a SIGTERM sent at the ready line', async () => {
    // Signal handlers are installed before the ready line: a SIGTERM sent the moment it is read
    // stops the process cleanly (it used to kill it outright about one time in ten).
    for (let attempt = 0; attempt < 5; attempt++) {
      const gateway = await startProcess('dist/apps/ocpp-gateway/main.js', { OCPP_PORT: '0', HTTP_PORT: '0', LOG_LEVEL: 'info' });
      running.push(gateway);
      expect(await gateway.stop('SIGTERM')).toBe(0);
      expect(logEntries(gateway.output)).toContainEqual(expect.objectContaining({ msg: 'starting', engine: 'uws', engineReason: 'uWebSockets.js binary loaded' }));
    }
  });
});
