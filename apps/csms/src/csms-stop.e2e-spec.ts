import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RawOcppClient, temporaryDirectory, waitFor } from '@evcsms/testing';

const ROOT = join(__dirname, '..', '..', '..');
const ADMIN_KEY = 'e2e-stop-admin-key-0123456789abcdef';

/** Every live process below `root` (zombies waiting for a reaper count as gone). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
      const [state, ppid] = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (state === 'Z') continue;
      const list = children.get(Number(ppid)) ?? [];
      list.push(Number(entry));
      children.set(Number(ppid), list);
    } catch {
      // exited while we looked
    }
  }
  const tree: number[] = [];
  for (const queue = [root]; queue.length > 0; ) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

interface NpmStart {
  readonly npm: ChildProcess;
  readonly lines: string[];
  readonly ready: { ocppPort: number; httpPort: number };
  /** Resolves when nothing holds npm's stdout any more: every process that printed to it is gone. */
  readonly outputClosed: Promise<void>;
}

/** `npm start` exactly as the README says, in its own process group like a terminal's foreground job. */
async function npmStart(dataDir: string, env: Record<string, string> = { ADMIN_API_KEY: ADMIN_KEY }): Promise<NpmStart> {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...withoutAdminKey(process.env), NODE_OPTIONS: '', DATA_DIR: dataDir, OCPP_PORT: '0', HTTP_PORT: '0', LOG_LEVEL: 'info', ...env },
  });
  const lines: string[] = [];
  const outputClosed = new Promise<void>((resolve) => npm.stdout.once('close', () => resolve()));
  npm.stderr.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').map((line) => `stderr: ${line}`)));
  const ready = await new Promise<NpmStart['ready']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready within 60 s:\n${lines.join('\n')}`)), 60_000);
    createInterface({ input: npm.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('{"ready":true')) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as NpmStart['ready']);
      }
    });
    npm.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready:\n${lines.join('\n')}`)));
  });
  return { npm, lines, ready, outputClosed };
}

function withoutAdminKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { ADMIN_API_KEY: _ignored, ...rest } = env;
  return rest;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- log lines are asserted field by field
const logEntries = (lines: readonly string[]): any[] => lines.filter((line) => line.startsWith('{"time"')).map((line) => JSON.parse(line));

/** The documented start command stops like a server should: no process of its tree left, `stopped` as the last line. */
describe('npm start stops cleanly', () => {
  jest.setTimeout(90_000);
  let running: NpmStart | undefined;
  let tree: number[] = [];
  const data = temporaryDirectory('csms-stop-e2e-');

  afterEach(() => {
    // A failed test must not leave a CSMS behind.
    for (const pid of tree.filter(alive)) process.kill(pid, 'SIGKILL');
    running = undefined;
  });
  afterAll(() => data.remove());

  async function stoppedBy(send: (npm: ChildProcess) => void): Promise<string[]> {
    const current = running!;
    tree = processTree(current.npm.pid!);
    // npm, start.mjs (its `sh -c` exec'd into it), the CSMS and PGlite.
    expect(tree.length).toBeGreaterThanOrEqual(4);
    send(current.npm);
    // An orphan still holding the pipe would keep it open: give up waiting after 20 s and say who is left.
    await Promise.race([current.outputClosed, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
    await waitFor(() => tree.every((pid) => !alive(pid)), { description: `every process of npm start's tree (${tree.join(', ')}) gone`, timeoutMs: 15_000 });
    return current.lines.filter((line) => line.trim() !== '' && !line.startsWith('stderr: '));
  }

  it('on SIGTERM to the npm process (what a container runtime or process manager sends)', async () => {
    // Also the banner of a first run without ADMIN_API_KEY, configured to reject unknown stations.
    const dataDir = join(data.path, 'term');
    running = await npmStart(dataDir, { OCPP_UNKNOWN_STATIONS: 'reject' });
    const key = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
    expect(statSync(join(dataDir, 'admin-api-key')).mode & 0o777).toBe(0o600);
    expect(running.lines).toContainEqual(expect.stringMatching(new RegExp(`^  Admin API key +${key} +\\(generated now, kept in ${join(dataDir, 'admin-api-key')}`)));
    expect(running.lines).toContainEqual('  Unknown stations rejected (OCPP_UNKNOWN_STATIONS=reject)');
    const stations = await fetch(`http://127.0.0.1:${running.ready.httpPort}/api/v1/stations`, { headers: { authorization: `Bearer ${key}` } });
    expect(stations.status).toBe(200);
    const stdout = await stoppedBy((npm) => npm.kill('SIGTERM'));
    expect(JSON.parse(stdout[stdout.length - 1]!)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM', exitCode: 0 });
  });

  it('on SIGINT to the npm process alone', async () => {
    running = await npmStart(join(data.path, 'int-npm'));
    const stdout = await stoppedBy((npm) => npm.kill('SIGINT'));
    expect(JSON.parse(stdout[stdout.length - 1]!)).toMatchObject({ msg: 'stopped', signal: 'SIGINT', exitCode: 0 });
  });

  it('when the launcher dies without a word (SIGKILL to start.mjs): the CSMS does not serve on as an orphan', async () => {
    running = await npmStart(join(data.path, 'kill'));
    const stdout = await stoppedBy(() => {
      const launcher = tree.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('node\0tools/scripts/start.mjs'));
      process.kill(launcher!, 'SIGKILL');
    });
    expect(JSON.parse(stdout[stdout.length - 1]!)).toMatchObject({ msg: 'stopped', signal: 'launcher gone', exitCode: 0 });
  });

  it('on Ctrl-C (SIGINT to the whole process group) after a session: in dependency order, the database last, no warning', async () => {
    running = await npmStart(join(data.path, 'int'));
    const cp = await RawOcppClient.connect(`ws://127.0.0.1:${running.ready.ocppPort}/ocpp/E2E-STOP-1`, { protocols: ['ocpp1.6'] });
    expect((await cp.call('1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22' }, 15_000))[2]).toMatchObject({ status: 'Accepted' });
    // A priced session: billing has real work (and nothing to warn about) while the CSMS stops.
    const api = (method: string, path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${running!.ready.httpPort}/api/v1${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await api('POST', '/tariffs', { id: 'E2E-STOP-KWH', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] }] })).status).toBe(201);
    expect((await api('PUT', '/stations/E2E-STOP-1/tariff', { tariffId: 'E2E-STOP-KWH' })).status).toBe(200);
    const started = (await cp.call('2', 'StartTransaction', { connectorId: 1, idTag: 'E2E-TAG', meterStart: 0, timestamp: new Date().toISOString() }, 15_000)) as [number, string, { transactionId: number }];
    expect((await cp.call('3', 'StopTransaction', { transactionId: started[2].transactionId, meterStop: 1500, timestamp: new Date().toISOString() }, 15_000))[0]).toBe(3);
    const response = await fetch(`http://127.0.0.1:${running.ready.httpPort}/api/v1/sessions`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(response.status).toBe(200);

    const stdout = await stoppedBy((npm) => process.kill(-npm.pid!, 'SIGINT'));
    cp.terminate();
    const entries = logEntries(stdout);
    const fromStopping = entries.slice(entries.findIndex((entry) => entry.msg === 'stopping'));
    expect(fromStopping[0]).toMatchObject({ msg: 'stopping', signal: 'SIGINT' });
    expect(fromStopping.filter((entry) => entry.level === 'warn' || entry.level === 'error')).toEqual([]);
    expect(fromStopping.filter((entry) => entry.msg === 'shutdown step done').map((entry) => entry.step)).toEqual([
      'ocpp gateway',
      'api',
      'sessions',
      'billing',
      'bus and registry',
      'database',
    ]);
    expect(JSON.parse(stdout[stdout.length - 1]!)).toMatchObject({ msg: 'stopped', signal: 'SIGINT', exitCode: 0 });
  });
});
