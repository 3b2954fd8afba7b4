/** The servers under test and how to start them, shared by both gateway benchmarks. */
import { spawnBench, type BenchChild, type SpawnOptions } from './bench-lib';

export type ServerKind = 'raw' | 'uws' | 'ws';

export const SERVER_LABEL: Record<ServerKind, string> = {
  raw: 'raw uWS echo (ceiling)',
  uws: 'gateway, uws engine',
  ws: 'gateway, ws engine',
};

export function parseServers(list: string): ServerKind[] {
  const kinds = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const kind of kinds) if (kind !== 'raw' && kind !== 'uws' && kind !== 'ws') throw new Error(`unknown server "${kind}" (raw, uws, ws)`);
  return kinds as ServerKind[];
}

export interface StartedServer {
  readonly kind: ServerKind;
  readonly child: BenchChild;
  readonly port: number;
  readonly pid: number;
}

export interface ServerStartOptions {
  readonly cpu: string;
  readonly nodeArgs?: readonly string[];
  /** Gateway keepalive. */
  readonly pingIntervalMs?: number;
  readonly idleTimeoutMs?: number;
  /** raw uWS keepalive, seconds. */
  readonly rawIdleTimeoutS?: number;
  readonly build?: SpawnOptions['build'];
}

export async function startServer(kind: ServerKind, options: ServerStartOptions): Promise<StartedServer> {
  const args = ['--control', 'stdin', '--host', '127.0.0.1', '--port', '0'];
  const child =
    kind === 'raw'
      ? spawnBench('raw-uws-echo', 'raw-uws-echo.ts', [...args, '--idle-timeout-s', String(options.rawIdleTimeoutS ?? 32)], {
          cpu: options.cpu,
          nodeArgs: options.nodeArgs ?? [],
          ...(options.build ? { build: options.build } : {}),
        })
      : spawnBench(
          `gateway-${kind}`,
          'gateway-server.ts',
          [
            ...args,
            '--engine',
            kind,
            '--ping-interval-ms',
            String(options.pingIntervalMs ?? 30_000),
            '--idle-timeout-ms',
            String(options.idleTimeoutMs ?? 90_000),
          ],
          { cpu: options.cpu, nodeArgs: options.nodeArgs ?? [], ...(options.build ? { build: options.build } : {}) },
        );
  const ready = await child.waitFor((e) => e.event === 'text' && String(e['text']).startsWith('READY '), 60_000, 'READY');
  const [, port, pid] = String(ready['text']).split(' ');
  return { kind, child, port: Number(port), pid: Number(pid) };
}

/** The processes both benchmarks start, compiled once per run unless --swc-register is given. */
export const BENCH_ENTRIES = ['tools/bench/gateway-server.ts', 'tools/bench/raw-uws-echo.ts', 'tools/bench/load-client.ts'];
