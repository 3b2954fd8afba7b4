import { type ChildProcess, spawn } from 'node:child_process';

const REDIS_SERVER = '/usr/bin/redis-server';

/** A redis-server of a test's own, so it can be crashed, frozen and restarted without touching the shared one. */
export class OwnRedisServer {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on ${this.port} did not start:\n${output}`)), 10_000);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on ${this.port} exited (${code ?? signal}):\n${output}`));
      });
    });
  }

  /** kill -9: no shutdown, no save; the data is gone. */
  async crash(): Promise<void> {
    await this.signal('SIGKILL', true);
  }

  /** The process stays, its sockets stay open, it just stops answering. */
  async freeze(): Promise<void> {
    await this.signal('SIGSTOP', false);
  }

  async thaw(): Promise<void> {
    await this.signal('SIGCONT', false);
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGCONT');
      await this.crash();
    }
  }

  private async signal(signal: NodeJS.Signals, waitForExit: boolean): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    if (waitForExit) await exited;
  }
}

