import type { OcppVersion } from '@evcsms/ocpp';
import type { MixEntry } from '../fleet/fleet-plan';

export interface SimulateArgs {
  readonly stations: number;
  readonly mix: readonly MixEntry[];
  readonly url: string;
  readonly connectors: number;
  /** Seconds of simulated time between meter samples. */
  readonly meterIntervalS: number;
  /** Seconds of real time the run lasts. */
  readonly durationS: number;
  readonly workers: number;
  readonly sourceAddresses: readonly string[];
  readonly groundTruth: string | undefined;
  /** Simulated seconds per real second. */
  readonly speed: number;
  readonly idPrefix: string;
  readonly tokenPrefix: string;
  /** Simulated seconds a connector stays free between sessions, and a session lasts. */
  readonly idleS: readonly [number, number];
  readonly sessionS: readonly [number, number];
  readonly connectConcurrency: number;
  /** The CSMS's HTTP API and an operate-scope key: the fleet's tokens are registered there first. */
  readonly apiUrl: string | undefined;
  readonly apiKey: string | undefined;
  readonly finishSessions: boolean;
  readonly callTimeoutMs: number;
}

export class CliUsageError extends Error {}

/** Sockets one process may hold: the per-process limit is 20,000 files, minus headroom. */
export const MAX_STATIONS_PER_WORKER = 18_000;
/** Ephemeral ports per source address (Linux default range 32768-60999), minus headroom. */
export const MAX_STATIONS_PER_SOURCE_ADDRESS = 25_000;

export const USAGE = `npm run simulate -- [options]
  --stations N              stations in the fleet (default 10)
  --mix 1.6:0.9,2.0.1:0.1   protocol shares (default 1.6:1)
  --url ws://127.0.0.1:9000/ocpp   CSMS endpoint, the station id is appended (default: npm start's)
  --connectors 2            connectors (1.6) / EVSEs (2.0.1) per station
  --meter-interval 30       simulated seconds between meter samples
  --duration 60             real seconds the run lasts
  --workers K               worker processes (default: one per ${MAX_STATIONS_PER_WORKER} stations)
  --source-ips 127.0.0.2-127.0.0.9   local addresses to bind (range or comma list)
  --ground-truth FILE       append sessions and totals as JSON lines
  --speed 1                 simulated seconds per real second
  --idle 5-20 --session 20-45   simulated seconds free / charging per connector
  --concurrency 100         handshakes in flight per worker while connecting
  --api http://127.0.0.1:8080 --api-key KEY   register the fleet's RFID tokens first
  --keep-sessions           do not unplug EVs at the end (ground truth then lacks running sessions)
  --call-timeout-ms 30000   how long a station waits for an answer`;

const PROTOCOLS: Record<string, OcppVersion> = { '1.6': 'ocpp1.6', 'ocpp1.6': 'ocpp1.6', '2.0.1': 'ocpp2.0.1', 'ocpp2.0.1': 'ocpp2.0.1' };

function positiveInt(name: string, raw: string, min = 1): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new CliUsageError(`--${name} must be a whole number >= ${min}, got "${raw}"`);
  return value;
}

function positiveNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new CliUsageError(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

export function parseMix(raw: string): MixEntry[] {
  const entries = raw.split(',').map((part) => {
    const [name, share] = part.trim().split(':');
    const protocol = PROTOCOLS[name ?? ''];
    if (!protocol) throw new CliUsageError(`--mix: unknown protocol "${name}" (use 1.6 or 2.0.1)`);
    const value = share === undefined ? 1 : Number(share);
    if (!Number.isFinite(value) || value < 0) throw new CliUsageError(`--mix: share of ${name} must be a number >= 0`);
    return { protocol, share: value };
  });
  if (entries.reduce((sum, entry) => sum + entry.share, 0) <= 0) throw new CliUsageError('--mix: shares add up to 0');
  return entries;
}

function ipv4ToInt(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new CliUsageError(`--source-ips: "${address}" is not an IPv4 address`);
  return parts.reduce((acc, part) => acc * 256 + part, 0);
}

function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** "127.0.0.2-127.0.0.9", "127.0.0.2,127.0.0.3" or a mix of both. */
export function parseSourceAddresses(raw: string): string[] {
  const addresses: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to] = part.split('-');
    const first = ipv4ToInt(from!);
    const last = to === undefined ? first : ipv4ToInt(to);
    if (last < first || last - first > 65_535) throw new CliUsageError(`--source-ips: bad range "${part}"`);
    for (let value = first; value <= last; value++) addresses.push(intToIpv4(value));
  }
  if (addresses.length === 0) throw new CliUsageError('--source-ips: no addresses');
  return addresses;
}

function range(name: string, raw: string): [number, number] {
  const [a, b] = raw.split('-').map(Number);
  const min = a ?? NaN;
  const max = b === undefined ? min : b;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min < 0 || max < min) throw new CliUsageError(`--${name} must be N or MIN-MAX seconds, got "${raw}"`);
  return [min, max];
}

/** Reads argv (after the script name). Throws CliUsageError with a message for the user. */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const BOOLEAN_FLAGS = new Set(['keep-sessions', 'help']);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('--')) throw new CliUsageError(`unexpected argument "${token}"`);
    const [name, inline] = token.slice(2).split(/=(.*)/s) as [string, string | undefined];
    if (BOOLEAN_FLAGS.has(name)) {
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CliUsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  if (flags.has('help')) throw new CliUsageError(USAGE);
  const known = new Set(['stations', 'mix', 'url', 'connectors', 'meter-interval', 'duration', 'workers', 'source-ips', 'ground-truth', 'speed', 'id-prefix', 'token-prefix', 'idle', 'session', 'concurrency', 'api', 'api-key', 'call-timeout-ms']);
  for (const name of values.keys()) if (!known.has(name)) throw new CliUsageError(`unknown option --${name}\n${USAGE}`);

  const get = (name: string, fallback: string): string => values.get(name) ?? fallback;
  const stations = positiveInt('stations', get('stations', '10'));
  const url = get('url', 'ws://127.0.0.1:9000/ocpp');
  if (!/^wss?:\/\//.test(url)) throw new CliUsageError(`--url must be a ws:// or wss:// URL, got "${url}"`);
  const sourceAddresses = values.has('source-ips') ? parseSourceAddresses(get('source-ips', '')) : [];
  const workers = positiveInt('workers', get('workers', String(Math.max(1, Math.ceil(stations / MAX_STATIONS_PER_WORKER)))));
  if (Math.ceil(stations / workers) > MAX_STATIONS_PER_WORKER) {
    throw new CliUsageError(`${stations} stations over ${workers} workers is more than ${MAX_STATIONS_PER_WORKER} sockets per process (the per-process file limit is 20,000): use --workers ${Math.ceil(stations / MAX_STATIONS_PER_WORKER)} or more`);
  }
  if (Math.ceil(stations / Math.max(1, sourceAddresses.length)) > MAX_STATIONS_PER_SOURCE_ADDRESS) {
    throw new CliUsageError(`more than ${MAX_STATIONS_PER_SOURCE_ADDRESS} connections per source address exhausts ephemeral ports: give more --source-ips`);
  }
  const apiUrl = values.get('api');
  const apiKey = values.get('api-key');
  if ((apiUrl === undefined) !== (apiKey === undefined)) throw new CliUsageError('--api and --api-key go together');
  return {
    stations,
    mix: parseMix(get('mix', '1.6:1')),
    url,
    connectors: positiveInt('connectors', get('connectors', '2')),
    meterIntervalS: positiveNumber('meter-interval', get('meter-interval', '30')),
    durationS: positiveNumber('duration', get('duration', '60')),
    workers,
    sourceAddresses,
    groundTruth: values.get('ground-truth'),
    speed: positiveNumber('speed', get('speed', '1')),
    idPrefix: get('id-prefix', 'SIM'),
    tokenPrefix: get('token-prefix', 'T'),
    idleS: range('idle', get('idle', '5-20')),
    sessionS: range('session', get('session', '20-45')),
    connectConcurrency: positiveInt('concurrency', get('concurrency', '100')),
    apiUrl,
    apiKey,
    finishSessions: !flags.has('keep-sessions'),
    callTimeoutMs: positiveInt('call-timeout-ms', get('call-timeout-ms', '30000')),
  };
}
