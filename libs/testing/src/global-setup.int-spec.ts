// The jest global setup/teardown, run in separate Node processes (as jest's parent process
// would run them) so their failures and their clean-up can be observed from outside.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './wait-for';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../../..');

function runNode(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', '-e', script],
      { cwd: ROOT, env, timeout: 45_000 },
      (err, stdout, stderr) => resolvePromise({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const baseEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.TEST_KAFKA_BROKERS; // as jest's parent process has it: not yet set
  return env;
};

describe('global setup', () => {
  it('fails loudly, naming every service it could not get', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'evcsms-nokcat-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const { code, stderr } = await runNode(
      `require('./libs/testing/src/global-setup.ts').default().then(
         () => process.exit(0),
         (err) => { console.error(err.message); process.exit(3); })`,
      {
        ...baseEnv(),
        TEST_DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/postgres',
        TEST_REDIS_URL: 'redis://127.0.0.1:1',
        PATH: bin, // node only: no kcat
      },
    ).finally(() => rmSync(bin, { recursive: true, force: true }));
    expect(code).toBe(3);
    expect(stderr).toContain('could not get the services');
    expect(stderr).toContain('PostgreSQL is not reachable at postgres://postgres:***@127.0.0.1:1/postgres');
    expect(stderr).not.toContain('secret');
    expect(stderr).toContain('Redis is not reachable at redis://127.0.0.1:1');
    expect(stderr).toContain('kcat is not on the PATH');
    expect(stderr).toContain('apt-get install -y kcat');
  });

  it('exports the services through the environment and the teardown stops kcat', async () => {
    const { code, stdout, stderr } = await runNode(
      `(async () => {
         await require('./libs/testing/src/global-setup.ts').default();
         const { harnessState } = require('./libs/testing/src/harness-state.ts');
         const pid = harnessState().kafka.pid;
         console.log('RESULT ' + JSON.stringify({ pid, db: process.env.TEST_DATABASE_URL, redis: process.env.TEST_REDIS_URL, kafka: process.env.TEST_KAFKA_BROKERS }));
         await require('./libs/testing/src/global-teardown.ts').default();
         console.log('AFTER ' + JSON.stringify({ kafka: process.env.TEST_KAFKA_BROKERS ?? null }));
       })().catch((err) => { console.error(err); process.exit(3); })`,
      baseEnv(),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(/RESULT (.*)/.exec(stdout)![1]!) as { pid: number; db: string; redis: string; kafka: string };
    expect(result.db).toBe(process.env.TEST_DATABASE_URL);
    expect(result.redis).toBe(process.env.TEST_REDIS_URL);
    expect(result.kafka).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(result.kafka).not.toBe(process.env.TEST_KAFKA_BROKERS);
    expect(JSON.parse(/AFTER (.*)/.exec(stdout)![1]!)).toEqual({ kafka: null });
    await waitFor(() => !alive(result.pid), { description: `kcat (pid ${result.pid}) to be gone`, timeoutMs: 5000 });
  });

  it('leaves no kcat behind when the process running it is killed', async () => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        '-e',
        `require('./libs/testing/src/global-setup.ts').default().then(() => {
           console.log('PID ' + require('./libs/testing/src/harness-state.ts').harnessState().kafka.pid);
         })`,
      ],
      { cwd: ROOT, env: baseEnv(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const pid = Number(await waitFor(() => /PID (\d+)/.exec(out)?.[1], { description: 'the kcat pid', timeoutMs: 30_000 }));
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(() => !alive(pid), { description: `kcat (pid ${pid}) to end after its parent died`, timeoutMs: 5000 });
  });
});

describe('helper processes end with the process that started them', () => {
  it.each([
    ['startKafkaMockCluster', `require('./libs/testing/src/kafka.ts').startKafkaMockCluster()`],
    ['startPgliteServer', `require('./libs/testing/src/pglite.ts').startPgliteServer()`],
  ])('%s', async (_name, start) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', '-e', `${start}.then((server) => console.log('PID ' + server.pid))`],
      { cwd: ROOT, env: baseEnv(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const pid = Number(await waitFor(() => /PID (\d+)/.exec(out)?.[1], { description: 'the helper pid', timeoutMs: 45_000 }));
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    await waitFor(() => !alive(pid), { description: `helper pid ${pid} to end after its parent died`, timeoutMs: 10_000 });
  });
});
