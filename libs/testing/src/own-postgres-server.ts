// A private PostgreSQL server for fault tests: the harness stops, crashes and restarts it
// without touching the shared server the other tests use (docs/testing.md, docs/reliability.md).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { spawnManaged, stopManaged, type ManagedChild } from './child-process';
import { freePort } from './ports';
import { waitFor } from './wait-for';

const POSTGRES_ROOT = '/usr/lib/postgresql';
const INSTALL_HINT = 'Install the Debian server package: apt-get update && apt-get install -y postgresql (bash .ci/run does it).';

export interface OwnPostgresServerOptions {
  /** Where the server's binaries are (default: the newest /usr/lib/postgresql/<version>/bin). */
  readonly binDir?: string;
  /** Give up on a start after this long (default 30 s). */
  readonly startTimeoutMs?: number;
}

/**
 * How postgres stops: `immediate` is a crash as far as the data is concerned (SIGQUIT: no
 * checkpoint, WAL replay on the next start), `fast` a clean shutdown that disconnects clients
 * (SIGINT).
 */
export type PostgresStopMode = 'immediate' | 'fast';

/** The newest PostgreSQL server binaries under /usr/lib/postgresql; throws with the install hint when none. */
export function findPostgresBinaries(root = POSTGRES_ROOT): string {
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((entry) => /^\d+$/.test(entry) && existsSync(join(root, entry, 'bin', 'postgres')) && existsSync(join(root, entry, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error(`No PostgreSQL server binaries (initdb, postgres) under ${root}/<version>/bin. ${INSTALL_HINT}`);
  return join(root, versions[0]!, 'bin');
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** postgres refuses to run as root: as root, run it as the `postgres` system user the Debian package creates. */
function runAs(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string): number => {
    try {
      return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    } catch {
      throw new Error(`Running as root, and there is no 'postgres' user to run PostgreSQL as (postgres refuses root). ${INSTALL_HINT}`);
    }
  };
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL server of the test's own: initdb into a temporary directory (fsync off, trust
 * authentication; synchronous_commit stays on: a commit's WAL reaches the OS before the answer, so
 * committed data survives a crash of the server process, though not of the machine), listening on 127.0.0.1 at a port fixed for its lifetime and on a unix socket in
 * that directory. `stop()` and `start()` keep the data; `cleanup()` removes everything.
 *
 * As root, initdb and postgres run as the `postgres` user (spawned with its uid/gid). A watchdog
 * shell holds a pipe from this process: when this process exits or is killed, it stops the
 * server and removes the directory, so a crashed run leaves no server behind.
 */
export class OwnPostgresServer {
  readonly binDir: string;
  readonly directory: string;
  private readonly user: RunAs | undefined;
  private readonly startTimeoutMs: number;
  private server: ManagedChild | undefined;
  private watchdog: ManagedChild | undefined;
  private portNumber = 0;
  private initialised = false;
  /** How many times the server was started (1 after the first start). */
  starts = 0;

  constructor(options: OwnPostgresServerOptions = {}) {
    this.binDir = options.binDir ?? findPostgresBinaries();
    for (const binary of ['initdb', 'postgres']) {
      if (!existsSync(join(this.binDir, binary))) throw new Error(`${join(this.binDir, binary)} is missing. ${INSTALL_HINT}`);
    }
    this.startTimeoutMs = options.startTimeoutMs ?? 30_000;
    this.user = runAs();
    this.directory = mkdtempSync(join(tmpdir(), 'evcsms-own-postgres-'));
    if (this.user) chownSync(this.directory, this.user.uid, this.user.gid);
    chmodSync(this.directory, 0o700);
  }

  get dataDirectory(): string {
    return join(this.directory, 'data');
  }

  get port(): number {
    if (!this.portNumber) throw new Error('OwnPostgresServer: start() it first');
    return this.portNumber;
  }

  /** Admin URL of the `postgres` database over TCP (trust authentication, user postgres). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get running(): boolean {
    return this.server?.isRunning() === true;
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return this.running ? this.server?.pid : undefined;
  }

  /** initdb on the first call, then starts the server and waits until it accepts queries. */
  async start(): Promise<void> {
    if (this.running) return;
    if (!this.initialised) await this.initialise();
    const server = spawnManaged(
      'own-postgres',
      join(this.binDir, 'postgres'),
      [
        '-D', this.dataDirectory,
        '-c', `port=${this.portNumber}`,
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${this.directory}`,
        '-c', 'fsync=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
        '-c', 'logging_collector=off',
      ],
      { ...this.spawnUser(), cwd: this.directory, env: { ...process.env, LC_ALL: 'C' } },
    );
    this.server = server;
    try {
      await server.waitForLine(/database system is ready to accept connections/, this.startTimeoutMs, 'PostgreSQL to accept connections');
      await waitFor(() => this.ping(), { description: `PostgreSQL on 127.0.0.1:${this.portNumber} to answer`, timeoutMs: this.startTimeoutMs, intervalMs: 100 });
    } catch (error) {
      await stopManaged(server, 1000);
      throw error;
    }
    this.starts += 1;
  }

  /** Stops the server; the data directory stays. `immediate` (default): crash-like, `fast`: clean. */
  async stop(options: { mode?: PostgresStopMode } = {}): Promise<void> {
    const server = this.server;
    if (!server?.isRunning()) return;
    server.child.kill(options.mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    const stopped = await Promise.race([server.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 20_000).unref())]);
    if (!stopped) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  }

  async restart(options: { mode?: PostgresStopMode; downMs?: number } = {}): Promise<void> {
    await this.stop(options);
    if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
    await this.start();
  }

  /** Stops the server and removes its directory. Safe to call twice. */
  async cleanup(): Promise<void> {
    await this.stop({ mode: 'immediate' });
    if (this.watchdog) await stopManaged(this.watchdog, 5000);
    this.watchdog = undefined;
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** Creates a database (no-op if it exists) and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
    const url = new URL(this.url);
    url.pathname = `/${encodeURIComponent(name)}`;
    return url.toString();
  }

  private async ping(): Promise<boolean> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private spawnUser(): { uid?: number; gid?: number } {
    return this.user ? { uid: this.user.uid, gid: this.user.gid } : {};
  }

  private async initialise(): Promise<void> {
    this.portNumber = await freePort();
    const initdb = spawnManaged(
      'initdb',
      join(this.binDir, 'initdb'),
      ['-D', this.dataDirectory, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { ...this.spawnUser(), cwd: this.directory, env: { ...process.env, LC_ALL: 'C' } },
    );
    const { code } = await initdb.exited;
    if (code !== 0) throw new Error(`initdb into ${this.dataDirectory} failed (exit ${code}):\n${initdb.tail()}`);
    this.startWatchdog();
    this.initialised = true;
  }

  /** Ends the server and removes the directory once this process's pipe closes (it exited or died). */
  private startWatchdog(): void {
    const script = join(this.directory, 'watchdog.sh');
    const pidFile = join(this.dataDirectory, 'postmaster.pid');
    writeFileSync(
      script,
      [
        'cat >/dev/null',
        `if [ -f '${pidFile}' ]; then kill -QUIT "$(head -n 1 '${pidFile}')" 2>/dev/null; sleep 1; fi`,
        `rm -rf '${this.directory}'`,
        '',
      ].join('\n'),
    );
    this.watchdog = spawnManaged('own-postgres-watchdog', '/bin/sh', [script]);
  }
}
