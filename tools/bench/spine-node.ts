/**
 * The system under test of spine-inbound.bench.ts, one role per process:
 *
 * - `--role embedded`: GatewayNode on an InProcessBus (in-process registry and pod channel) with
 *   acknowledgeWhen 'processed', plus a StationCallConsumer in the same process: a station's
 *   MeterValues is answered only after the consumer processed it (what `npm start` does).
 * - `--role gateway`: GatewayNode on a KafkaBus with the Redis registry and pod channel,
 *   acknowledgeWhen 'published': MeterValues is answered once Kafka acknowledged it (acks=all), as
 *   apps/ocpp-gateway does in distributed mode.
 * - `--role consumer`: a StationCallConsumer group member on the KafkaBus (a service's side).
 *
 * The processor is trivial (counts, returns {result: {}}): this measures the spine, not a
 * database. Counting relies on the stations' message ids being their sequence number in base 36
 * (spine-stations.ts): per station, the sequence numbers it skipped (gaps) and saw again
 * (duplicates) are kept.
 *
 * With --database-url the consumer side is the real sessions service instead (SessionsNode:
 * station calls, presence, outbox relay, on that database, migrated at start): what was
 * processed is then read back from meter_values, where each MeterValues leaves one
 * Energy.Active.Import.Register row whose timestamp encodes the station's sequence number
 * (spine-stations.ts --sessions).
 *
 * Flags: --role, --port 0, --pod-id, --kafka-brokers, --redis-url, --redis-prefix, --partitions 8
 * (in-process bus), --partitions-concurrently N (Kafka consumer), --group spine-bench,
 * --database-url <postgres url> (sessions service as the consumer).
 * Prints {"event":"ready","port":...,"pid":...}. stdin commands: `counts`,
 * `report` (per-station next sequence number and gaps), `stats` (bus stats); exits when stdin closes.
 */
/* eslint-disable @nx/enforce-module-boundaries -- the benchmark wires the spine as the apps do */
import { InProcessBus, silentBusLog, type MessageBus } from '@evcsms/bus';
import { KafkaBus } from '@evcsms/bus-kafka';
import type { StationCallEnvelope } from '@evcsms/contracts';
import { DEFAULT_GATEWAY_OPTIONS, InMemoryCredentialStore } from '@evcsms/gateway';
import { createLogger } from '@evcsms/logging';
import { createMetricsRegistry } from '@evcsms/metrics';
import { InProcessConnectionRegistry, InProcessPendingCommandStore, InProcessPodChannel, type ConnectionRegistry, type PendingCommandStore, type PodChannel } from '@evcsms/registry';
import { createRedisRegistry, type RedisRegistry } from '@evcsms/registry-redis';
import { GatewayNode, StationCallConsumer, type StationCallProcessor } from '@evcsms/routing';
import { SessionsNode } from '@evcsms/runtime';
import { openDatabase, type DataSource } from '@evcsms/data-access';
import { selectEngine } from '@evcsms/ws-engine';
/* eslint-enable @nx/enforce-module-boundaries */
import { assertLoopback, emit, exitWhenParentGoes, flagInt, flagString, onCommands, parseFlags } from './bench-lib';
import { SESSIONS_BASE_MS } from './spine-lib';

const flags = parseFlags(process.argv.slice(2));
const role = flagString(flags, 'role', 'embedded');
if (role !== 'embedded' && role !== 'gateway' && role !== 'consumer') throw new Error('--role must be embedded, gateway or consumer');
const podId = flagString(flags, 'pod-id', `spine-${role}-${process.pid}`);
const engine = selectEngine(flagString(flags, 'engine', 'uws'));
const logger = createLogger({ level: 'warn', sink: (line) => process.stderr.write(`${line}\n`), fields: { role } });

// ---------------------------------------------------------------------------------------------
// Counting what the consumer saw

interface Seen {
  next: number;
  gaps: number[];
  duplicates: number;
}
const seen = new Map<string, Seen>();
const counts = { processed: 0, duplicates: 0, gaps: 0 };

const count: StationCallProcessor = (envelope: StationCallEnvelope) => {
  counts.processed++;
  const seq = parseInt(envelope.messageId, 36);
  let station = seen.get(envelope.stationId);
  if (!station) seen.set(envelope.stationId, (station = { next: 0, gaps: [], duplicates: 0 }));
  if (seq < station.next) {
    station.duplicates++;
    counts.duplicates++;
  } else {
    for (let missing = station.next; missing < seq; missing++) {
      station.gaps.push(missing);
      counts.gaps++;
    }
    station.next = seq + 1;
  }
  return Promise.resolve(EMPTY);
};
const EMPTY = Object.freeze({ result: Object.freeze({}) });

// ---------------------------------------------------------------------------------------------

interface Spine {
  bus: MessageBus;
  registry: ConnectionRegistry;
  channel: PodChannel;
  pendingCommands: PendingCommandStore;
  registryHealth?: () => { healthy: boolean };
  close(): Promise<void>;
}

async function spine(): Promise<Spine> {
  if (role === 'embedded') {
    const registry = new InProcessConnectionRegistry();
    const bus = new InProcessBus({ partitions: flagInt(flags, 'partitions', 8), log: silentBusLog });
    return { bus, registry, channel: new InProcessPodChannel(), pendingCommands: new InProcessPendingCommandStore(), close: () => bus.close() };
  }
  const brokers = flagString(flags, 'kafka-brokers', '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('--kafka-brokers is required');
  for (const broker of brokers) assertLoopback(broker.slice(0, broker.lastIndexOf(':')));
  const redisUrl = flagString(flags, 'redis-url', 'redis://127.0.0.1:6379');
  assertLoopback(new URL(redisUrl).hostname);
  // --partitions-concurrently: KafkaBus consumer.partitionsConsumedConcurrently (KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY, default 4).
  const concurrently = flags.get('partitions-concurrently');
  const bus = new KafkaBus({
    brokers,
    clientId: `spine-${role}`,
    logLevel: 'nothing',
    ...(concurrently ? { consumer: { partitionsConsumedConcurrently: Number(concurrently) } } : {}),
  });
  await bus.connect();
  const redis: RedisRegistry = await createRedisRegistry({ url: redisUrl, keyPrefix: flagString(flags, 'redis-prefix', 'csms:'), logger });
  return {
    bus,
    registry: redis.registry,
    channel: redis.channel,
    pendingCommands: redis.pendingCommands,
    registryHealth: () => redis.health(),
    close: async () => {
      await bus.close();
      await redis.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions mode: what the database holds

const ENERGY_ROWS = `FROM meter_values WHERE measurand = 'Energy.Active.Import.Register'`;

async function storedCounts(db: DataSource): Promise<Record<string, number>> {
  const [row] = await db.query<Array<{ rows: string }>>(`SELECT count(*)::bigint AS rows ${ENERGY_ROWS}`);
  // Duplicates are counted once, at the end (storedReport): a DISTINCT over every row is too
  // heavy to poll.
  return { processed: Number(row?.rows ?? 0), duplicates: 0, gaps: 0 };
}

async function storedReport(db: DataSource): Promise<Record<string, Seen>> {
  const rows = await db.query<Array<{ station_id: string; at: string; n: number }>>(
    `SELECT station_id, (extract(epoch FROM sampled_at) * 1000)::bigint AS at, count(*)::int AS n ${ENERGY_ROWS} GROUP BY 1, 2`,
  );
  const seqs = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const seq = Math.round((Number(row.at) - SESSIONS_BASE_MS) / 1000);
    let station = seqs.get(row.station_id);
    if (!station) seqs.set(row.station_id, (station = new Map<number, number>()));
    station.set(seq, row.n);
  }
  const report: Record<string, Seen> = {};
  for (const [stationId, station] of seqs) {
    const next = Math.max(...station.keys()) + 1;
    const gaps: number[] = [];
    let duplicates = 0;
    for (let seq = 0; seq < next; seq++) {
      const n = station.get(seq) ?? 0;
      if (n === 0) gaps.push(seq);
      else duplicates += n - 1;
    }
    report[stationId] = { next, gaps, duplicates };
  }
  return report;
}

/** Sessions whose energy is not what their last stored register says (meterStart is 0). */
async function energyMismatches(db: DataSource): Promise<Record<string, number>> {
  const [row] = await db.query<Array<{ sessions: number; mismatched: number }>>(
    `SELECT count(*)::int AS sessions, count(*) FILTER (WHERE t.energy_wh IS DISTINCT FROM m.last_wh)::int AS mismatched
       FROM transactions t
       JOIN (SELECT transaction_id, max(value::numeric)::bigint AS last_wh ${ENERGY_ROWS} GROUP BY 1) m ON m.transaction_id = t.id`,
  );
  return { sessions: row?.sessions ?? 0, energyMismatched: row?.mismatched ?? 0 };
}

async function main(): Promise<void> {
  const parts = await spine();
  let node: GatewayNode | undefined;
  let consumer: StationCallConsumer | undefined;
  let sessions: SessionsNode | undefined;
  let db: DataSource | undefined;
  let port = 0;
  const databaseUrl = flags.get('database-url');

  if ((role === 'embedded' || role === 'consumer') && databaseUrl) {
    db = await openDatabase({ url: databaseUrl, poolMax: flagInt(flags, 'pool-max', 10) });
    sessions = new SessionsNode(db, parts.bus, parts.channel, logger, { heartbeatIntervalSec: 300, unknownStationBootPolicy: 'Accepted' });
    await sessions.start();
  } else if (role === 'embedded' || role === 'consumer') {
    consumer = new StationCallConsumer(parts.bus, parts.channel, new Map([['MeterValues', count]]), { groupId: flagString(flags, 'group', 'spine-bench') }, logger);
    await consumer.start();
  }
  if (role === 'embedded' || role === 'gateway') {
    const host = '127.0.0.1';
    node = new GatewayNode(
      {
        gateway: {
          ...DEFAULT_GATEWAY_OPTIONS,
          host,
          port: flagInt(flags, 'port', 0),
          podId,
          protocols: ['ocpp2.0.1', 'ocpp1.6'],
          unknownStations: 'accept',
          allowSecurityProfile0: true,
          maxUpgradesInFlight: 5_000,
        },
        leaseMs: 15_000,
        replyTimeoutMs: 10_000,
        acknowledgeWhen: role === 'embedded' ? 'processed' : 'published',
      },
      {
        engine: engine.engine,
        credentials: new InMemoryCredentialStore(),
        bus: parts.bus,
        registry: parts.registry,
        ...(parts.registryHealth ? { registryHealth: parts.registryHealth } : {}),
        channel: parts.channel,
        pendingCommands: parts.pendingCommands,
        // As the apps do: process metrics (event-loop monitor) on, the gateway's own metrics on.
        metrics: createMetricsRegistry({ defaultLabels: { service: 'ocpp-gateway', pod: podId } }),
        logger,
      },
    );
    ({ port } = await node.start());
  }

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 8_000);
    force.unref();
    void (async () => {
      await node?.close().catch(() => undefined);
      await consumer?.stop().catch(() => undefined);
      await sessions?.stop().catch(() => undefined);
      await db?.destroy().catch(() => undefined);
      await parts.close().catch(() => undefined);
      process.exit(0);
    })();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  exitWhenParentGoes(shutdown);
  onCommands((command) => {
    if (db && command === 'counts') void storedCounts(db).then((stored) => emit({ event: 'counts', ...stored }));
    else if (db && command === 'report') void storedReport(db).then((perStation) => emit({ event: 'report', perStation }));
    else if (db && command === 'energy') void energyMismatches(db).then((energy) => emit({ event: 'energy', ...energy }));
    else if (command === 'counts') emit({ event: 'counts', ...counts, stations: seen.size });
    else if (command === 'report') {
      const perStation: Record<string, { next: number; gaps: number[]; duplicates: number }> = {};
      for (const [stationId, station] of seen) perStation[stationId] = station;
      emit({ event: 'report', perStation });
    } else if (command === 'stats') {
      emit({ event: 'stats', bus: parts.bus instanceof KafkaBus ? parts.bus.stats() : {}, connections: node?.gateway.connectionCount ?? 0 });
    }
  });
  emit({ event: 'ready', role, port, pid: process.pid, engine: node ? engine.engine.name : undefined });
}

main().catch((error: unknown) => {
  process.stderr.write(`spine-node failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
