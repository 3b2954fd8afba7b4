import { buildStatement, parseTariff, type Cdr } from '@evcsms/billing';
import { InProcessBus } from '@evcsms/bus';
import { assignTariff, insertTariffVersion, openDatabase, sessionBilling, type AssignmentTarget, type DataSource } from '@evcsms/data-access';
import { SESSIONS_TOPICS, type SessionEvent } from '@evcsms/sessions';
import { createTestDatabase, waitFor, type TestDatabase } from '@evcsms/testing';
import { energyTariff, SessionStory } from '../test/session-event.factory';
import { cdrFromRow } from './cdr/cdr-document.mapper';
import { BillingConsumer } from './consumer/billing.consumer';
import { SessionBillingProcessor } from './consumer/session-billing.processor';

/**
 * The billing service against a real PostgreSQL: exactly one CDR per finished session whatever
 * the delivery (twice, out of order, on two consumers at once, after a restart), live cost while
 * it runs, and corrections as credit + debit.
 */
describe('billing a charging session from its events', () => {
  jest.setTimeout(60_000);
  let database: TestDatabase;
  let db: DataSource;
  let processor: SessionBillingProcessor;

  const station = (id: string): AssignmentTarget => ({ scope: 'station', stationId: id, evseId: null, connectorId: null, siteId: null, tokenGroup: null });

  async function tariffFor(stationId: string, tariffId: string, document: Record<string, unknown> = energyTariff(tariffId)): Promise<void> {
    const tariff = parseTariff({ ...document, id: tariffId, version: 1 });
    await insertTariffVersion(db, { id: tariffId, version: 1, currency: tariff.currency, document: { ...document, id: tariffId, version: 1 }, validFrom: null, validUntil: null });
    await assignTariff(db, station(stationId), tariffId, null);
  }

  async function cdrsOf(sessionId: string): Promise<Cdr[]> {
    const rows: Parameters<typeof cdrFromRow>[0][] = await db.query(`SELECT * FROM cdrs WHERE session_id = $1 ORDER BY issued_at, record DESC`, [sessionId]);
    return rows.map(cdrFromRow);
  }

  const total = (cdr: Cdr) => [cdr.totalCost.excl_vat.minor, cdr.totalCost.incl_vat.minor];
  const deliver = async (events: readonly SessionEvent[], by = processor) => {
    for (const event of events) await by.process(event);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url });
    processor = new SessionBillingProcessor(db, { timeZone: 'Europe/Amsterdam' });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('prices a 1.6 session live as meter values arrive and issues one CDR at the end', async () => {
    await tariffFor('CP-LIVE', 'T-LIVE');
    const story = new SessionStory('CP-LIVE', { startedAt: '2026-11-20T10:00:00.000Z' });
    await deliver([story.started(), story.updated('2026-11-20T10:15:00.000Z', 3000)]);
    // 3 kWh x 0.25 = 0.75 + 0.15 VAT, plus the 1.00 + 0.20 fee.
    expect(await sessionBilling(db, story.sessionId)).toMatchObject({ status: 'active', currency: 'EUR', exclVat: '175', inclVat: '210', cdrId: null });

    await deliver([story.updated('2026-11-20T10:30:00.000Z', 6500), story.ended('2026-11-20T10:40:00.000Z', 8250)]);
    const [cdr, ...others] = await cdrsOf(story.sessionId);
    expect(others).toEqual([]);
    // 8.25 kWh x 0.25 = 2.0625 -> 2.06, VAT 0.4125 -> 0.41; fee 1.00 + 0.20.
    expect(total(cdr!)).toEqual([306n, 367n]);
    expect(cdr).toMatchObject({ stationId: 'CP-LIVE', tokenUid: 'TAG-1', totalEnergyWh: 8250n, credit: false, startDateTime: '2026-11-20T10:00:00.000Z', endDateTime: '2026-11-20T10:40:00.000Z' });
    expect(cdr!.chargingPeriods.reduce((sum, p) => sum + p.cost.excl_vat.minor, 0n)).toBe(306n);
    expect(await sessionBilling(db, story.sessionId)).toMatchObject({ status: 'completed', exclVat: '306', inclVat: '367', cdrId: cdr!.id });
  });

  it('issues the same single CDR when every event is delivered twice', async () => {
    await tariffFor('CP-TWICE', 'T-TWICE');
    const story = new SessionStory('CP-TWICE', { startedAt: '2026-11-20T11:00:00.000Z' });
    const events = [story.started(), story.updated('2026-11-20T11:20:00.000Z', 4000), story.ended('2026-11-20T11:30:00.000Z', 5000)];
    await deliver(events.flatMap((event) => [event, event]));
    await deliver(events);
    const cdrs = await cdrsOf(story.sessionId);
    expect(cdrs).toHaveLength(1);
    // 5 kWh x 0.25 = 1.25 + 0.25 VAT; fee 1.00 + 0.20.
    expect(total(cdrs[0]!)).toEqual([225n, 270n]);
  });

  it('bills the final figures when the end arrives before the updates, and ignores the late updates', async () => {
    await tariffFor('CP-ORDER', 'T-ORDER');
    const story = new SessionStory('CP-ORDER', { startedAt: '2026-11-20T12:00:00.000Z' });
    const [started, early, late, ended] = [story.started(), story.updated('2026-11-20T12:10:00.000Z', 2000), story.updated('2026-11-20T12:20:00.000Z', 9000), story.ended('2026-11-20T12:30:00.000Z', 10_000)];
    await deliver([ended, early, started, late]);
    const cdrs = await cdrsOf(story.sessionId);
    expect(cdrs).toHaveLength(1);
    // 10 kWh x 0.25 = 2.50 + 0.50 VAT; fee 1.00 + 0.20.
    expect(total(cdrs[0]!)).toEqual([350n, 420n]);
    expect(cdrs[0]!.totalEnergyWh).toBe(10_000n);
  });

  it('issues one CDR when two consumers process the same events at the same time', async () => {
    await tariffFor('CP-RACE', 'T-RACE');
    const other = await openDatabase({ url: database.url });
    try {
      const twin = new SessionBillingProcessor(other, { timeZone: 'Europe/Amsterdam' });
      const stories = Array.from({ length: 8 }, (_, i) => new SessionStory('CP-RACE', { startedAt: `2026-11-20T13:0${i}:00.000Z`, transactionId: String(100 + i) }));
      const events = stories.map((s, i) => [s.started(), s.updated(`2026-11-20T13:1${i}:00.000Z`, 1000 * (i + 1)), s.ended(`2026-11-20T13:2${i}:00.000Z`, 2000 * (i + 1))]);
      // Same events, each consumer in its own order, at once: a rebalance in the middle of a batch.
      await Promise.all([
        Promise.all(events.map((session) => deliver(session, processor))),
        Promise.all(events.map((session) => deliver([...session].reverse(), twin))),
      ]);
      for (const [i, story] of stories.entries()) {
        const cdrs = await cdrsOf(story.sessionId);
        expect(cdrs).toHaveLength(1);
        expect(cdrs[0]!.totalEnergyWh).toBe(BigInt(2000 * (i + 1)));
      }
    } finally {
      await other.destroy();
    }
  });

  it('carries on after a restart: a new consumer on the same database neither repeats nor loses anything', async () => {
    await tariffFor('CP-RESTART', 'T-RESTART');
    const story = new SessionStory('CP-RESTART', { startedAt: '2026-11-20T14:00:00.000Z' });
    const started = story.started();
    const update = story.updated('2026-11-20T14:30:00.000Z', 6000);
    await deliver([started, update]);

    const restartedDb = await openDatabase({ url: database.url });
    try {
      const restarted = new SessionBillingProcessor(restartedDb, { timeZone: 'Europe/Amsterdam' });
      // The bus redelivers what the old process had not committed, then the rest.
      const ended = story.ended('2026-11-20T14:45:00.000Z', 8000);
      await deliver([started, update, ended, ended], restarted);
      await deliver([ended], processor);
      const cdrs = await cdrsOf(story.sessionId);
      expect(cdrs).toHaveLength(1);
      // 8 kWh x 0.25 = 2.00 + 0.40 VAT; fee 1.00 + 0.20.
      expect(total(cdrs[0]!)).toEqual([300n, 360n]);
    } finally {
      await restartedDb.destroy();
    }
  });

  it('corrects a CDR with a credit and a new debit when a late stop changes the amount, and only then', async () => {
    await tariffFor('CP-LATE', 'T-LATE');
    const story = new SessionStory('CP-LATE', { startedAt: '2026-11-20T15:00:00.000Z' });
    // The connector went Available without a StopTransaction: closed with the energy so far.
    await deliver([story.started(), story.updated('2026-11-20T15:20:00.000Z', 4000), story.ended('2026-11-20T15:30:00.000Z', 4000)]);
    const [original] = await cdrsOf(story.sessionId);
    expect(total(original!)).toEqual([200n, 240n]);

    // The same final figures again as a correction: nothing to correct.
    await deliver([story.ended('2026-11-20T15:30:00.000Z', 4000, { correction: true, receivedAt: '2026-11-20T16:00:00.000Z' })]);
    expect(await cdrsOf(story.sessionId)).toHaveLength(1);

    // The StopTransaction replayed from the station's queue: more energy, later end.
    const correction = story.ended('2026-11-20T15:50:00.000Z', 12_000, { correction: true, receivedAt: '2026-11-20T17:00:00.000Z' });
    await deliver([correction, correction]);
    const records = await cdrsOf(story.sessionId);
    expect(records.map((r) => [r.credit, r.creditReferenceId, r.replacesCdrId])).toEqual([
      [false, null, null],
      [false, null, original!.id],
      [true, original!.id, null],
    ]);
    const debit = records[1]!;
    // 12 kWh x 0.25 = 3.00 + 0.60 VAT; fee 1.00 + 0.20.
    expect(total(debit)).toEqual([400n, 480n]);
    expect(total(records[2]!)).toEqual([-200n, -240n]);
    expect(await sessionBilling(db, story.sessionId)).toMatchObject({ cdrId: debit.id, exclVat: '400', inclVat: '480' });

    // Original + credit + debit add up to the corrected amount on a statement.
    const statement = buildStatement(records, { groupBy: 'token', from: new Date('2026-11-20T00:00:00Z'), to: new Date('2026-11-21T00:00:00Z') });
    expect(statement.groups.map((g) => [g.totals.cdrCount, g.totals.cost.excl_vat.minor, g.totals.cost.incl_vat.minor])).toEqual([[3, 400n, 480n]]);
  });

  it('keeps the tariff versions a session started with, and leaves sessions without a tariff unpriced', async () => {
    await tariffFor('CP-SNAP', 'T-SNAP');
    const story = new SessionStory('CP-SNAP', { startedAt: '2026-11-20T18:00:00.000Z' });
    await deliver([story.started()]);
    // A dearer version effective from before the session, created after it started: not used.
    const dearer = { ...energyTariff('T-SNAP'), version: 2, start_date_time: '2026-11-01T00:00:00Z', elements: [{ price_components: [{ type: 'ENERGY', price: 9, vat: 20, step_size: 1 }] }] };
    await insertTariffVersion(db, { id: 'T-SNAP', version: 2, currency: 'EUR', document: dearer, validFrom: new Date('2026-11-01T00:00:00Z'), validUntil: null });
    await deliver([story.ended('2026-11-20T18:30:00.000Z', 4000)]);
    expect(total((await cdrsOf(story.sessionId))[0]!)).toEqual([200n, 240n]);

    const unassigned = new SessionStory('CP-NO-TARIFF', { startedAt: '2026-11-20T18:00:00.000Z' });
    await deliver([unassigned.started(), unassigned.updated('2026-11-20T18:10:00.000Z', 500), unassigned.ended('2026-11-20T18:20:00.000Z', 900)]);
    expect(await cdrsOf(unassigned.sessionId)).toEqual([]);
    expect(await sessionBilling(db, unassigned.sessionId)).toMatchObject({ status: 'unpriced', exclVat: null });
  });

  it('consumes the session events from the bus and tells a 2.0.1 station its running cost', async () => {
    await tariffFor('CS-BUS', 'T-BUS');
    const bus = new InProcessBus();
    const sent: Array<{ stationId: string; action: string; payload: Record<string, unknown> }> = [];
    const consumer = new BillingConsumer(bus, processor, {
      groupId: 'billing-test',
      stationCommands: { send: async (stationId, action, payload) => void sent.push({ stationId, action, payload }) },
    });
    await consumer.start();
    try {
      const story = new SessionStory('CS-BUS', { protocol: 'ocpp2.0.1', startedAt: '2026-11-20T19:00:00.000Z', transactionId: 'TX-BUS' });
      const events = [story.started(), story.updated('2026-11-20T19:30:00.000Z', 7000), story.ended('2026-11-20T19:45:00.000Z', 9000)];
      // The outbox relay publishes at least once: the whole run again after a crash.
      const messages = [...events, ...events].map((event) => ({ key: event.stationId, value: JSON.stringify(event) }));
      await bus.publish(SESSIONS_TOPICS.sessionEvents, messages);
      const cdr = await waitFor(async () => (await cdrsOf(story.sessionId))[0], { description: 'the CDR of the bus session' });
      // 9 kWh x 0.25 = 2.25 + 0.45 VAT; fee 1.00 + 0.20.
      expect(total(cdr!)).toEqual([325n, 390n]);
      // 7 kWh x 0.25 = 1.75 + 0.35 VAT, fee 1.20: 3.30 incl. VAT, sent once (the duplicate is skipped).
      await waitFor(() => sent.length >= 1, { description: 'CostUpdated sent' });
      expect(sent).toEqual([{ stationId: 'CS-BUS', action: 'CostUpdated', payload: { totalCost: 3.3, transactionId: 'TX-BUS' } }]);
      expect(await cdrsOf(story.sessionId)).toHaveLength(1);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });
});
