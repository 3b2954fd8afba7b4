import type { StationCallEnvelope } from '@evcsms/contracts';
import type { InboundCallOutcome } from '@evcsms/gateway';
import { InProcessBus, silentBusLog, type ConsumedMessage, type MessageBus } from '@evcsms/bus';
import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { ordinarySession16 } from '../test/charging-stories';
import { countingStatements, SessionsHarness } from '../test/sessions.harness';
import { at, Charger16, Station201 } from '../test/station-call.factory';
import { createPresenceBatchProcessor, OutboxRelay, SessionsProcessors, SESSIONS_TOPICS } from '.';

async function eventually(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Rows and answers with what differs between two stations' copies taken out (ids, names, clocks of the database). */
function comparable(value: unknown, stationId: string): unknown {
  const text = JSON.stringify(value, (key, field: unknown) => (['id', 'created_at', 'updated_at', 'eventId', 'transaction_id', 'ocpp_transaction_id', 'sessionId', 'transactionId'].includes(key) ? undefined : field));
  return JSON.parse(text.split(stationId).join('<station>')) as unknown;
}

/** Round robin over the stations' message lists, as one partition interleaves its stations. */
function interleave(lists: ReadonlyArray<readonly StationCallEnvelope[]>): StationCallEnvelope[] {
  const out: StationCallEnvelope[] = [];
  for (let i = 0; lists.some((list) => i < list.length); i += 1) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}

describe('presence, outbox and batches, on PostgreSQL', () => {
  jest.setTimeout(60_000);
  let database: TestDatabase;
  let h: SessionsHarness;

  beforeAll(async () => {
    database = await createTestDatabase();
    h = await SessionsHarness.open(database.url);
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });
  afterEach(() => {
    h.redeliver = false;
  });

  describe('presence', () => {
    const presenceOf = async (id: string) => {
      const station = await h.station(id);
      return { online: station?.['online'], connection: station?.['connection_id'], pod: station?.['gateway_pod'], reason: station?.['offline_reason'] };
    };

    it('ignores an old connection going offline after the station came back on a new one', async () => {
      h.redeliver = true;
      const cp = new Charger16('CP-PRESENCE');
      await h.addStation('CP-PRESENCE');
      await h.presenceEvent(cp.online(at(0), 'conn-1'));
      expect(await presenceOf('CP-PRESENCE')).toEqual({ online: true, connection: 'conn-1', pod: 'pod-a', reason: null });

      cp.reconnect('conn-2', 'pod-b');
      await h.presenceEvent(cp.online(at(5), 'conn-2'));
      // The first pod noticed its dead socket late.
      await h.presenceEvent(cp.offline(at(6), 'conn-1', 'timeout'));
      expect(await presenceOf('CP-PRESENCE')).toEqual({ online: true, connection: 'conn-2', pod: 'pod-b', reason: null });

      await h.presenceEvent(cp.offline(at(9), 'conn-2', 'closed-by-station'));
      expect(await presenceOf('CP-PRESENCE')).toEqual({ online: false, connection: 'conn-2', pod: null, reason: 'closed-by-station' });
    });

    it('ignores a presence event older than the last one applied', async () => {
      const cp = new Charger16('CP-PRESENCE-OLD');
      await h.addStation('CP-PRESENCE-OLD');
      await h.presenceEvent(cp.online(at(10), 'conn-2'));
      // An online of an older connection, delivered late.
      await h.presenceEvent(cp.online(at(1), 'conn-1'));
      expect(await presenceOf('CP-PRESENCE-OLD')).toMatchObject({ online: true, connection: 'conn-2' });
      await h.presenceEvent(cp.offline(at(12), 'conn-2'));
      await h.presenceEvent(cp.online(at(11), 'conn-2'));
      expect(await presenceOf('CP-PRESENCE-OLD')).toMatchObject({ online: false });
    });

    it('moves last_seen_at forward only, and leaves stations it does not know alone', async () => {
      const cp = new Charger16('CP-SEEN');
      await h.addStation('CP-SEEN');
      await h.presenceEvent(cp.activity(at(30)));
      await h.presenceEvent(cp.activity(at(20)));
      expect((await h.station('CP-SEEN'))?.['last_seen_at']).toEqual(new Date(at(30)));
      await h.presenceEvent(new Charger16('CP-NOBODY').online(at(0)));
      expect(await h.station('CP-NOBODY')).toBeUndefined();
    });

    it('writes one station-status-changed per real change of connection', async () => {
      const cp = new Charger16('CP-PRESENCE-EVENTS');
      await h.addStation('CP-PRESENCE-EVENTS');
      await h.presenceEvent(cp.online(at(0), 'c1'));
      await h.presenceEvent(cp.online(at(0), 'c1'));
      await h.presenceEvent(cp.activity(at(1)));
      await h.presenceEvent(cp.offline(at(2), 'c1'));
      expect((await h.events('CP-PRESENCE-EVENTS')).map((event) => [event['scope'], event['online']])).toEqual([
        ['connection', true],
        ['connection', false],
      ]);
    });
    it('applies a whole batch of many stations\' events in one go as one by one would', async () => {
      const story = (prefix: string) => {
        const flapping = new Charger16(`${prefix}-FLAP`);
        const late = new Charger16(`${prefix}-LATE`);
        const stranger = new Charger16(`${prefix}-UNKNOWN`);
        const first = flapping.online(at(0), 'c1');
        flapping.reconnect('c2', 'pod-b');
        return {
          known: [flapping.stationId, late.stationId],
          unknown: stranger.stationId,
          events: [
            first,
            late.online(at(10), 'l2'),
            stranger.online(at(0)),
            flapping.online(at(5), 'c2'),
            flapping.offline(at(6), 'c1', 'timeout'),
            late.online(at(1), 'l1'),
            flapping.activity(at(7)),
            late.activity(at(3)),
            late.offline(at(12), 'l2'),
          ],
        };
      };
      const presenceRow = async (id: string) => {
        const { online, connection_id, gateway_pod, presence_at, offline_reason, protocol, last_seen_at } = (await h.station(id)) ?? {};
        return { online, connection_id, gateway_pod, presence_at, offline_reason, protocol, last_seen_at };
      };
      const kinds = async (id: string) => (await h.events(id)).map((event) => [event['online'], event['connectionId'], event['reason']]);

      const single = story('P1');
      const batched = story('PB');
      for (const id of [...single.known, ...batched.known]) await h.addStation(id);
      for (const event of single.events) await h.presenceEvent(event);
      const processBatch = createPresenceBatchProcessor(h.db);
      await processBatch(batched.events);

      for (const [i, id] of batched.known.entries()) {
        expect(await presenceRow(id)).toEqual(await presenceRow(single.known[i]!));
        expect(await kinds(id)).toEqual(await kinds(single.known[i]!));
      }
      expect(await presenceRow(batched.known[0]!)).toMatchObject({ online: true, connection_id: 'c2', gateway_pod: 'pod-b', last_seen_at: new Date(at(7)) });
      expect(await presenceRow(batched.known[1]!)).toMatchObject({ online: false, connection_id: 'l2', offline_reason: 'closed-by-station' });
      expect(await h.station(batched.unknown)).toBeUndefined();

      const before = await Promise.all(batched.known.map((id) => h.snapshot(id)));
      await processBatch(batched.events);
      expect(await Promise.all(batched.known.map((id) => h.snapshot(id)))).toEqual(before);
    });
  });

  describe('outbox', () => {
    it('writes each event once per change: a redelivered message writes none', async () => {
      h.redeliver = true;
      await ordinarySession16(h, 'CP-OUTBOX-ONCE');
      const connectorEvents = (await h.events('CP-OUTBOX-ONCE')).filter((event) => event['scope'] === 'connector');
      expect(connectorEvents.map((event) => `${String(event['evseId'])}:${String(event['ocppStatus'])}`)).toEqual([
        '0:Available',
        '1:Available',
        '1:Preparing',
        '1:Charging',
        '1:Finishing',
        '1:Available',
      ]);
      expect(new Set((await h.events('CP-OUTBOX-ONCE')).map((event) => event['eventId'])).size).toBe(await h.count('domain_event_outbox', 'CP-OUTBOX-ONCE'));
    });

    it('is published in order by the relay, marked, and a second run publishes nothing', async () => {
      const bus = new InProcessBus({ log: silentBusLog });
      const received: ConsumedMessage[] = [];
      await bus.subscribe({ groupId: 'outbox-test', topics: [SESSIONS_TOPICS.sessionEvents, SESSIONS_TOPICS.stationEvents], fromBeginning: true }, async (batch) => {
        received.push(...batch);
      });
      const relay = new OutboxRelay(h.db, bus, { batchSize: 7 });
      try {
        const pending: Array<{ id: string; topic: string; key: string; event_id: string }> = await h.db.query(
          `SELECT id, topic, key, payload->>'eventId' AS event_id FROM domain_event_outbox WHERE published_at IS NULL ORDER BY id`,
        );
        expect(pending.length).toBeGreaterThan(10);
        expect(await relay.runOnce()).toBe(pending.length);
        await eventually(() => received.length === pending.length, 'every event');
        // Per topic and station, the bus delivers them in outbox order.
        for (const topic of Object.values(SESSIONS_TOPICS)) {
          for (const key of new Set(pending.map((row) => row.key))) {
            const expected = pending.filter((row) => row.topic === topic && row.key === key).map((row) => row.event_id);
            const got = received.filter((m) => m.topic === topic && m.key === key).map((m) => (JSON.parse(m.value) as { eventId: string }).eventId);
            expect(got).toEqual(expected);
          }
        }
        expect(received[0]!.headers).toMatchObject({ 'event-type': expect.any(String), 'event-id': expect.any(String) });
        expect(await h.db.query(`SELECT count(*)::int AS n FROM domain_event_outbox WHERE published_at IS NULL`)).toEqual([{ n: 0 }]);

        expect(await relay.runOnce()).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(received).toHaveLength(pending.length);
      } finally {
        await bus.close();
      }
    });

    it('publishes again after a crash between publishing and marking: duplicates, never losses, same eventId', async () => {
      const drain = new InProcessBus({ log: silentBusLog });
      await new OutboxRelay(h.db, drain).runOnce();
      await drain.close();
      const cp = new Charger16('CP-OUTBOX-CRASH');
      await h.send(cp.status(1, 'Available', at(0)));
      await h.send(cp.status(1, 'Faulted', at(1)));
      const inner = new InProcessBus({ log: silentBusLog });
      const received: string[] = [];
      await inner.subscribe({ groupId: 'crash-test', topics: [SESSIONS_TOPICS.stationEvents], fromBeginning: true }, async (batch) => {
        received.push(...batch.map((m) => (JSON.parse(m.value) as { eventId: string }).eventId));
      });
      // Publishes, then "dies" before the relay can mark the rows.
      const dying: MessageBus = {
        publish: async (topic, messages) => {
          await inner.publish(topic, messages);
          throw new Error('relay process killed');
        },
        subscribe: (options, handler) => inner.subscribe(options, handler),
        health: () => inner.health(),
        close: () => inner.close(),
      };
      try {
        await expect(new OutboxRelay(h.db, dying).runOnce()).rejects.toThrow('relay process killed');
        expect(await new OutboxRelay(h.db, inner).runOnce()).toBe(2);
        await eventually(() => received.length === 4, 'the events twice');
        expect(received.slice(2)).toEqual(received.slice(0, 2));
      } finally {
        await inner.close();
      }
    });

    it('runs as a polling loop until stopped', async () => {
      const bus = new InProcessBus({ log: silentBusLog });
      const received: string[] = [];
      await bus.subscribe({ groupId: 'loop-test', topics: [SESSIONS_TOPICS.stationEvents], fromBeginning: true }, async (batch) => {
        received.push(...batch.map((m) => m.key));
      });
      const relay = new OutboxRelay(h.db, bus, { pollIntervalMs: 20 });
      relay.start();
      try {
        await h.send(new Charger16('CP-OUTBOX-LOOP').status(1, 'Available', at(0)));
        await eventually(() => received.includes('CP-OUTBOX-LOOP'), 'the relayed event');
      } finally {
        await relay.stop();
        await bus.close();
      }
    });

    it('publishes what is still waiting when stopped, without waiting for its next poll', async () => {
      const bus = new InProcessBus({ log: silentBusLog });
      const received: string[] = [];
      await bus.subscribe({ groupId: 'flush-test', topics: [SESSIONS_TOPICS.stationEvents], fromBeginning: true }, async (batch) => {
        received.push(...batch.map((m) => m.key));
      });
      const relay = new OutboxRelay(h.db, bus, { pollIntervalMs: 60_000, lingerMs: 60_000 });
      relay.start();
      try {
        // The first round has run and the relay sleeps for a minute when the event is written.
        await new Promise((resolve) => setTimeout(resolve, 500));
        await h.send(new Charger16('CP-OUTBOX-FLUSH').status(1, 'Available', at(0)));
        await relay.stop();
        await eventually(() => received.includes('CP-OUTBOX-FLUSH'), 'the event flushed at stop');
      } finally {
        await relay.stop();
        await bus.close();
      }
    });
  });

  describe('batches', () => {
    it('processes one partition batch in one transaction with the same outcomes and rows as one by one', async () => {
      const makeSession = (cp: Charger16, txId: number | null) => [
        cp.boot(),
        cp.status(1, 'Preparing', at(0)),
        cp.start({ connectorId: 1, idTag: 'BATCH-TAG', meterStart: 500, timestamp: at(1) }),
        ...(txId === null ? [] : [cp.register(1, txId, at(5), '900'), cp.stop({ transactionId: txId, meterStop: 1200, timestamp: at(9) })]),
      ];
      const single = new Charger16('CP-BATCH-SINGLE');
      const batched = new Charger16('CP-BATCH-MANY');
      const singleOutcomes = [];
      for (const envelope of makeSession(single, null)) singleOutcomes.push(await h.deliver(envelope));
      const singleTx = (singleOutcomes[2] as { result: { transactionId: number } }).result.transactionId;
      for (const envelope of makeSession(single, singleTx).slice(3)) await h.deliver(envelope);

      const firstBatch = await h.service.processBatch(makeSession(batched, null));
      const batchTx = (firstBatch[2] as { result: { transactionId: number } }).result.transactionId;
      const secondBatch = await h.service.processBatch(makeSession(batched, batchTx).slice(3));
      expect(secondBatch).toEqual([{ result: {} }, { result: {} }]);
      const { id: _a, station_id: _b, ocpp_transaction_id: _c, created_at: _d, updated_at: _e, ...fromSingle } = await h.session('CP-BATCH-SINGLE', singleTx);
      const { id: _f, station_id: _g, ocpp_transaction_id: _h, created_at: _i, updated_at: _j, ...fromBatch } = await h.session('CP-BATCH-MANY', batchTx);
      expect(fromBatch).toEqual(fromSingle);
      expect(fromBatch).toMatchObject({ status: 'completed', energy_wh: '700' });

      // A whole batch delivered again changes nothing.
      const before = await h.snapshot('CP-BATCH-MANY');
      expect(await h.service.processBatch(makeSession(batched, batchTx).slice(3))).toEqual(secondBatch);
      expect(await h.snapshot('CP-BATCH-MANY')).toEqual(before);
    });

    it('stores a run of MeterValues from many stations together, with the energy one-by-one processing gives', async () => {
      // Readings per session, in the order they are delivered: late ones, a reset, a duplicate.
      const registers = [
        [3, 1000],
        [1, 400],
        [2, 700],
        [4, 200],
        [5, 900],
        [2, 700],
      ] as const;
      const prepare = async (prefix: string) => {
        const stations = [1, 2, 3, 4].map((n) => new Charger16(`${prefix}-${n}`));
        const ids: number[] = [];
        for (const cp of stations) ids.push((await h.send<{ transactionId: number }>(cp.start({ connectorId: 1, idTag: 'RUN', meterStart: 100, timestamp: at(0) }))).transactionId);
        // Round robin over the stations, as a partition interleaves them.
        const messages = registers.flatMap(([minute, wh]) => stations.map((cp, i) => cp.register(1, ids[i], at(minute), String(wh + i))));
        return { stations, ids, messages };
      };
      const single = await prepare('CP-RUN-SINGLE');
      for (const message of single.messages) await h.deliver(message);
      const batched = await prepare('CP-RUN-BATCH');
      const outcomes = await h.service.processBatch([batched.stations[0]!.status(1, 'Charging', at(0)), ...batched.messages, batched.stations[0]!.status(1, 'Finishing', at(6))]);
      expect(outcomes).toHaveLength(batched.messages.length + 2);
      expect(outcomes.every((outcome) => 'result' in outcome)).toBe(true);

      for (let i = 0; i < 4; i += 1) {
        const one = await h.session(single.stations[i]!.stationId, single.ids[i]!);
        const run = await h.session(batched.stations[i]!.stationId, batched.ids[i]!);
        expect(run).toMatchObject({ energy_wh: one.energy_wh, flags: one.flags, register_last_wh: one.register_last_wh });
        expect(run.flags).toContain('meter-reset');
        expect(await h.count('meter_values', batched.stations[i]!.stationId)).toBe(await h.count('meter_values', single.stations[i]!.stationId));
      }
      // 100 -> 400 -> 700 -> 1000 -> 200 (reset) -> 900: 900 + 700.
      expect((await h.session('CP-RUN-BATCH-1', batched.ids[0]!)).energy_wh).toBe('1600');

      const before = await Promise.all(batched.stations.map((cp) => h.snapshot(cp.stationId)));
      await h.service.processBatch(batched.messages);
      expect(await Promise.all(batched.stations.map((cp) => h.snapshot(cp.stationId)))).toEqual(before);
    });

    it('answers a bad message in a batch with its own CALLERROR and processes the others', async () => {
      const cp = new Charger16('CP-BATCH-BAD');
      const outcomes = await h.service.processBatch([
        cp.status(1, 'Available', at(0)),
        cp.start({ connectorId: 1, idTag: 'X', meterStart: 0.5, timestamp: at(1) }),
        cp.status(1, 'Preparing', at(2)),
      ]);
      expect(outcomes).toEqual([{ result: {} }, { error: expect.objectContaining({ kind: 'TypeConstraintViolation' }) }, { result: {} }]);
      expect(await h.count('connector_status_events', 'CP-BATCH-BAD')).toBe(2);
    });

    describe('in waves: a boot storm written set-based, as one by one would write it', () => {
      /** Stations of every kind a storm brings, each with what it sends after power returns. */
      async function fleet(prefix: string): Promise<{ ids: string[]; messages: StationCallEnvelope[][] }> {
        const unknown16 = new Charger16(`${prefix}-NEW16`);
        const unknown201 = new Station201(`${prefix}-NEW201`);
        const pending = new Charger16(`${prefix}-PENDING`);
        await h.addStation(pending.stationId, 'Pending', null);
        const known = new Charger16(`${prefix}-KNOWN`);
        await h.addStation(known.stationId, 'Accepted', 120);
        // It was charging when the power went: the session it will never stop is closed by Available.
        await h.send(known.boot());
        await h.send(known.start({ connectorId: 1, idTag: 'STORM-TAG', meterStart: 1000, timestamp: at(1) }));
        return {
          ids: [unknown16, unknown201, pending, known].map((station) => station.stationId),
          messages: [
            [unknown16.boot(), unknown16.status(0, 'Available', at(10)), unknown16.status(1, 'Available', at(10)), unknown16.status(2, 'Preparing', at(10))],
            [unknown201.boot(), unknown201.status(1, 1, 'Available', at(10)), unknown201.status(2, 1, 'Occupied', at(10))],
            [pending.boot(), pending.status(1, 'Available', at(10))],
            [known.boot(), known.status(1, 'Available', at(10)), known.status(2, 'Unavailable', at(10)), known.status(1, 'Available', at(10))],
          ],
        };
      }

      it('gives every station the answers and rows it gets one message at a time, in a few statements, and redelivery changes nothing', async () => {
        const single = await fleet('ONE');
        const singleOutcomes: InboundCallOutcome[][] = [];
        for (const messages of single.messages) {
          const outcomes: InboundCallOutcome[] = [];
          for (const message of messages) outcomes.push(await h.deliver(message));
          singleOutcomes.push(outcomes);
        }

        const batched = await fleet('MANY');
        const counting = countingStatements(h.db);
        const service = new SessionsProcessors(counting.dataSource, { unknownStationBootPolicy: 'Accepted', logger: h.logger });
        const batch = interleave(batched.messages);
        const outcomes = await service.processBatch(batch);
        const byStation = batched.ids.map((id) => outcomes.filter((_, index) => batch[index]!.stationId === id));

        for (const [i, id] of batched.ids.entries()) {
          expect(comparable(byStation[i], id)).toEqual(comparable(singleOutcomes[i], single.ids[i]!));
          expect(comparable(await h.snapshot(id), id)).toEqual(comparable(await h.snapshot(single.ids[i]!), single.ids[i]!));
        }
        expect(byStation[0]![0]).toEqual({ result: expect.objectContaining({ status: 'Accepted' }) });
        expect(byStation[2]![0]).toEqual({ result: expect.objectContaining({ status: 'Pending' }) });
        expect((await h.sessions(batched.ids[3]!))[0]).toMatchObject({ status: 'completed', flags: expect.arrayContaining(['closed-without-stop']) });

        // 13 messages of 4 stations in 4 waves: a few statements per wave, not a few per message.
        const statements = counting.statements.length;
        expect(statements).toBeLessThan(batch.length * 2);

        const before = await Promise.all(batched.ids.map((id) => h.snapshot(id)));
        expect(await service.processBatch(batch)).toEqual(outcomes);
        expect(await Promise.all(batched.ids.map((id) => h.snapshot(id)))).toEqual(before);
      });

      it('writes a storm of many stations with a number of statements that does not grow with the stations', async () => {
        const counting = countingStatements(h.db);
        const service = new SessionsProcessors(counting.dataSource, { unknownStationBootPolicy: 'Accepted', logger: h.logger });
        const storm = async (count: number): Promise<number> => {
          const stations = Array.from({ length: count }, (_, i) => new Charger16(`STORM-${count}-${i}`));
          counting.statements.length = 0;
          const outcomes = await service.processBatch(interleave(stations.map((cp) => [cp.boot(), cp.status(1, 'Available', at(0)), cp.status(2, 'Available', at(0))])));
          expect(outcomes.filter((outcome) => 'result' in outcome && outcome.result['status'] === 'Accepted')).toHaveLength(count);
          return counting.statements.length;
        };
        const few = await storm(5);
        const many = await storm(200);
        expect(many).toBe(few);
        expect(Number((await h.db.query(`SELECT count(*) AS n FROM connectors WHERE station_id LIKE 'STORM-200-%'`))[0].n)).toBe(400);
      });
    });
  });
});
