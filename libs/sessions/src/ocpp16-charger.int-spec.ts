import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import fc from 'fast-check';
import { ordinarySession16, rebootMidSession16 } from '../test/charging-stories';
import { SessionsHarness, slowedAt } from '../test/sessions.harness';
import { createSessionsProcessors } from '.';
import { at, Charger16 } from '../test/station-call.factory';

describe('an OCPP 1.6 charger, on PostgreSQL', () => {
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

  it('boots, authorizes, charges and stops: energy is meterStop - meterStart, each sample stored once', async () => {
    await ordinarySession16(h, 'CP16-ORDINARY');
  });

  it('gets the same answers and the same rows when every message is delivered twice', async () => {
    h.redeliver = true;
    await ordinarySession16(h, 'CP16-TWICE');
  });

  it('handles the same messages processed by two consumers at once (a rebalance): one session, energy counted once', async () => {
    const cp = new Charger16('CP16-RACE');
    const twice = async (envelope: ReturnType<Charger16['start']>) => {
      const processor = h.processors.get(envelope.action)!;
      const [a, b] = await Promise.all([processor(envelope), processor(envelope)]);
      expect(b).toEqual(a);
      return a;
    };
    for (let round = 0; round < 5; round += 1) {
      const start = await twice(cp.start({ connectorId: 1, idTag: `RACE-${round}`, meterStart: 1000 * round, timestamp: at(round * 10) }));
      const { transactionId } = (start as { result: { transactionId: number } }).result;
      expect(await h.session('CP16-RACE', transactionId)).toMatchObject({ status: 'active', flags: ['unauthorized-start'] });
      await twice(cp.register(1, transactionId, at(round * 10 + 1), String(1000 * round + 400)));
      await twice(cp.stop({ transactionId, meterStop: 1000 * round + 900, timestamp: at(round * 10 + 2) }));
      expect(await h.session('CP16-RACE', transactionId)).toMatchObject({ status: 'completed', energy_wh: '900', flags: ['unauthorized-start'] });
    }
    expect(await h.count('transactions', 'CP16-RACE')).toBe(5);
  });

  it('never lets a slow duplicate of a StartTransaction close the session its twin just started', async () => {
    const cp = new Charger16('CP16-SLOW-TWIN');
    // The twin is slow to look for sessions to close on the connector: by then the first has committed.
    const slowTwin = createSessionsProcessors(slowedAt(h.db, /ORDER BY started_at, id FOR UPDATE/, 300), { logger: h.logger }).get('StartTransaction')!;
    const start = cp.start({ connectorId: 1, idTag: 'TWIN', meterStart: 0, timestamp: at(0) });
    const [first, twin] = await Promise.all([h.processors.get('StartTransaction')!(start), slowTwin(start)]);
    expect(twin).toEqual(first);
    const { transactionId } = (first as { result: { transactionId: number } }).result;
    expect(await h.session('CP16-SLOW-TWIN', transactionId)).toMatchObject({ status: 'active', ended_at: null });
  });

  it('loses power mid-session: closed when the connector is Available again, completed once by the late StopTransaction', async () => {
    h.redeliver = true;
    await rebootMidSession16(h, 'CP16-REBOOT');
  });

  it('after a reboot, Unavailable closes the lost session; Faulted without a reboot does not', async () => {
    const cp = new Charger16('CP16-FAULT');
    await h.send(cp.boot({}, { receivedAt: at(-5) }));
    const one = await h.send<{ transactionId: number }>(cp.start({ connectorId: 1, idTag: 'ANY-1', meterStart: 0, timestamp: at(0) }));
    await h.send(cp.status(1, 'Faulted', at(5), { errorCode: 'GroundFailure' }));
    expect(await h.session('CP16-FAULT', one.transactionId)).toMatchObject({ status: 'active' });

    await h.send(cp.boot({}, { receivedAt: at(10) }));
    await h.send(cp.status(1, 'Unavailable', at(11)));
    expect(await h.session('CP16-FAULT', one.transactionId)).toMatchObject({ status: 'completed', flags: expect.arrayContaining(['closed-without-stop']) });
    expect(await h.db.query(`SELECT status, ocpp_status, error_code FROM connectors WHERE station_id = 'CP16-FAULT' AND evse_id = 1`)).toEqual([
      { status: 'Unavailable', ocpp_status: 'Unavailable', error_code: 'NoError' },
    ]);
  });

  it('counts on from the new base when the meter register resets mid-session, and flags it', async () => {
    h.redeliver = true;
    const cp = new Charger16('CP16-RESET');
    const { transactionId } = await h.send<{ transactionId: number }>(cp.start({ connectorId: 2, idTag: 'ANY-2', meterStart: 100_000, timestamp: at(0) }));
    await h.send(cp.register(2, transactionId, at(10), '102000'));
    await h.send(cp.register(2, transactionId, at(20), '104000'));
    await h.send(cp.register(2, transactionId, at(30), '50'));
    expect(await h.session('CP16-RESET', transactionId)).toMatchObject({ energy_wh: '4000', flags: expect.arrayContaining(['meter-reset']) });
    await h.send(cp.register(2, transactionId, at(40), '1550'));
    await h.send(cp.stop({ transactionId, meterStop: 2050, timestamp: at(50) }));
    expect(await h.session('CP16-RESET', transactionId)).toMatchObject({ energy_wh: '6000', stop_reason: 'Local', meter_stop_wh: '2050' });
  });

  it('keeps kWh readings exactly, in Wh, and rounds a register to whole Wh half up', async () => {
    const cp = new Charger16('CP16-KWH');
    const { transactionId } = await h.send<{ transactionId: number }>(cp.start({ connectorId: 1, idTag: 'ANY-3', meterStart: 12_345, timestamp: at(0) }));
    await h.send(cp.register(1, transactionId, at(10), '13.0005', 'kWh'));
    expect(await h.session('CP16-KWH', transactionId)).toMatchObject({ energy_wh: '656' });
    await h.send(cp.register(1, transactionId, at(20), '13.9994', 'kWh'));
    await h.send(cp.stop({ transactionId, meterStop: 14_000, timestamp: at(30) }));
    expect(await h.session('CP16-KWH', transactionId)).toMatchObject({ energy_wh: '1655' });
    const stored: Array<{ measurand: string; unit: string; value: string }> = await h.db.query(
      `SELECT measurand, unit, value::text AS value FROM meter_values WHERE station_id = 'CP16-KWH' ORDER BY sampled_at, measurand`,
    );
    expect(stored.filter((row) => row.measurand !== 'Current.Import')).toEqual([
      { measurand: 'Energy.Active.Import.Register', unit: 'Wh', value: '13000.5' },
      { measurand: 'Power.Active.Import', unit: 'W', value: '7400' },
      { measurand: 'Energy.Active.Import.Register', unit: 'Wh', value: '13999.4' },
      { measurand: 'Power.Active.Import', unit: 'W', value: '7400' },
    ]);
  });

  it('takes the default measurand and unit, and stores MeterValues without a transaction without counting them', async () => {
    const cp = new Charger16('CP16-DEFAULTS');
    const { transactionId } = await h.send<{ transactionId: number }>(cp.start({ connectorId: 1, idTag: 'ANY-4', meterStart: 0, timestamp: at(0) }));
    await h.send(cp.meterValues({ connectorId: 1, transactionId, meterValue: [{ timestamp: at(5), sampledValue: [{ value: '800' }] }] }));
    await h.send(cp.meterValues({ connectorId: 0, meterValue: [{ timestamp: at(6), sampledValue: [{ value: '99999' }] }] }));
    await h.send(cp.meterValues({ connectorId: 1, meterValue: [{ timestamp: at(7), sampledValue: [{ value: 'c2lnbmVk', format: 'SignedData' }] }] }));
    expect(await h.session('CP16-DEFAULTS', transactionId)).toMatchObject({ energy_wh: '800' });
    expect(
      await h.db.query(`SELECT evse_id, transaction_id IS NOT NULL AS in_session, measurand, unit, value::text AS value FROM meter_values WHERE station_id = 'CP16-DEFAULTS' ORDER BY sampled_at`),
    ).toEqual([
      { evse_id: 1, in_session: true, measurand: 'Energy.Active.Import.Register', unit: 'Wh', value: '800' },
      { evse_id: 0, in_session: false, measurand: 'Energy.Active.Import.Register', unit: 'Wh', value: '99999' },
    ]);
  });

  describe('tokens', () => {
    beforeAll(async () => {
      await h.addToken({ idToken: 'BLOCKED-1', status: 'Blocked' });
      await h.addToken({ idToken: 'EXPIRED-BY-DATE', expiresAt: '2026-02-01T00:00:00Z' });
      await h.addToken({ idToken: 'EXPIRED-BY-STATUS', status: 'Expired' });
      await h.addToken({ idToken: 'VALID-WITH-PARENT', expiresAt: '2027-01-01T00:00:00Z', groupIdToken: 'FLEET-9' });
      await h.addToken({ idToken: 'TWO-TYPES', type: 'KeyCode', status: 'Blocked' });
      await h.addToken({ idToken: 'TWO-TYPES', type: 'ISO14443' });
      await h.addToken({ idToken: 'SHARED-CARD' });
    });

    it.each([
      ['BLOCKED-1', { status: 'Blocked' }],
      ['EXPIRED-BY-DATE', { status: 'Expired', expiryDate: '2026-02-01T00:00:00.000Z' }],
      ['EXPIRED-BY-STATUS', { status: 'Expired' }],
      ['NEVER-SEEN', { status: 'Invalid' }],
      ['VALID-WITH-PARENT', { status: 'Accepted', expiryDate: '2027-01-01T00:00:00.000Z', parentIdTag: 'FLEET-9' }],
      ['TWO-TYPES', { status: 'Accepted' }],
    ])('answers Authorize %s with %j', async (idTag, idTagInfo) => {
      expect(await h.send(new Charger16('CP16-AUTH').authorize(idTag))).toEqual({ idTagInfo });
    });

    it('records a session started with a blocked tag (the station decides) and flags it', async () => {
      h.redeliver = true;
      const cp = new Charger16('CP16-BLOCKED');
      const answer = await h.send<{ transactionId: number; idTagInfo: unknown }>(cp.start({ connectorId: 1, idTag: 'BLOCKED-1', meterStart: 10, timestamp: at(0) }));
      expect(answer.idTagInfo).toEqual({ status: 'Blocked' });
      expect(await h.session('CP16-BLOCKED', answer.transactionId)).toMatchObject({ status: 'active', auth_status: 'Blocked', flags: ['unauthorized-start'] });
    });

    it('answers ConcurrentTx at StartTransaction for a card already charging on another connector, never at Authorize (1.6 7.2); a resend of the first start keeps its id and status', async () => {
      const cp = new Charger16('CP16-CONCURRENT');
      const first = cp.start({ connectorId: 1, idTag: 'SHARED-CARD', meterStart: 0, timestamp: at(0) });
      const started = await h.send<{ transactionId: number }>(first);
      // ConcurrentTx is reserved for StartTransaction.conf: Authorize answers by the token itself.
      expect(await h.send(cp.authorize('SHARED-CARD'))).toEqual({ idTagInfo: { status: 'Accepted' } });
      expect(await h.send(new Charger16('CP16-ELSEWHERE').authorize('SHARED-CARD'))).toEqual({ idTagInfo: { status: 'Accepted' } });
      const second = await h.send<{ transactionId: number; idTagInfo: unknown }>(cp.start({ connectorId: 2, idTag: 'SHARED-CARD', meterStart: 0, timestamp: at(1) }));
      expect(second.idTagInfo).toEqual({ status: 'ConcurrentTx' });
      expect(second.transactionId).not.toBe(started.transactionId);
      // The station did not get the first answer and sends the same StartTransaction again.
      expect(await h.send(first)).toEqual({ transactionId: started.transactionId, idTagInfo: { status: 'Accepted' } });
      expect(await h.count('transactions', 'CP16-CONCURRENT')).toBe(2);
    });
  });

  describe('boot policy', () => {
    it('answers a Pending or Rejected station with the retry interval, an Accepted one with its own heartbeat interval', async () => {
      await h.addStation('CP16-PENDING', 'Pending');
      await h.addStation('CP16-REJECTED', 'Rejected');
      await h.addStation('CP16-SLOW', 'Accepted', 900);
      expect(await h.send(new Charger16('CP16-PENDING').boot())).toMatchObject({ status: 'Pending', interval: 60 });
      expect(await h.send(new Charger16('CP16-REJECTED').boot())).toMatchObject({ status: 'Rejected', interval: 60 });
      expect(await h.send(new Charger16('CP16-SLOW').boot())).toMatchObject({ status: 'Accepted', interval: 900 });
      expect(await h.station('CP16-PENDING')).toMatchObject({ registration_status: 'Pending', vendor: 'Acme' });
    });

    it('registers an unknown station under the embedded policy, online on the connection it booted on', async () => {
      h.redeliver = true;
      const cp = new Charger16('CP16-NEW');
      expect(await h.send(cp.boot())).toMatchObject({ status: 'Accepted', interval: 300 });
      expect(await h.station('CP16-NEW')).toMatchObject({
        boot_policy: 'Accepted',
        registration_status: 'Accepted',
        online: true,
        connection_id: 'CP16-NEW-conn-1',
        gateway_pod: 'pod-a',
        security_profile: 0,
      });
    });

    it('rejects an unknown station under the production policy and registers nothing', async () => {
      const strict = new SessionsHarness(h.db, { unknownStationBootPolicy: 'Rejected', bootRetryIntervalSec: 120 });
      expect(await strict.send(new Charger16('CP16-STRANGER').boot())).toMatchObject({ status: 'Rejected', interval: 120 });
      expect(await h.station('CP16-STRANGER')).toBeUndefined();
      expect(strict.logger.entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'BootNotification from an unknown station rejected' }));
    });
  });

  it('answers a StopTransaction for a transaction it never saw with success, and logs it', async () => {
    h.redeliver = true;
    const cp = new Charger16('CP16-ORPHAN');
    expect(await h.send(cp.stop({ transactionId: 987_654, meterStop: 100, timestamp: at(0) }))).toEqual({});
    expect(await h.send(cp.stop({ transactionId: 987_655, meterStop: 100, timestamp: at(0), idTag: 'BLOCKED-1' }))).toEqual({ idTagInfo: { status: 'Blocked' } });
    expect(h.logger.entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'StopTransaction for an unknown transaction: orphan, acknowledged' }));
    expect(await h.count('transactions', 'CP16-ORPHAN')).toBe(0);
  });

  it('marks the reservation a session starts on as Used', async () => {
    await h.addReservation(4711, 'CP16-RESERVED', 'RES-TAG');
    const cp = new Charger16('CP16-RESERVED');
    await h.send(cp.start({ connectorId: 1, idTag: 'RES-TAG', meterStart: 0, timestamp: at(0), reservationId: 4711 }));
    expect(await h.reservationStatus(4711)).toBe('Used');
  });

  it('answers a station DataTransfer with UnknownVendorId', async () => {
    expect(await h.send(new Charger16('CP16-DT').dataTransfer('com.acme'))).toEqual({ status: 'UnknownVendorId' });
  });

  it('refuses a payload it cannot read with a CALLERROR and writes nothing', async () => {
    const cp = new Charger16('CP16-BAD');
    const outcome = await h.deliver(cp.start({ connectorId: 1, idTag: 'X', meterStart: 1.5, timestamp: at(0) }));
    expect(outcome).toEqual({ error: { kind: 'TypeConstraintViolation', description: expect.stringContaining('meterStart') } });
    expect(await h.count('transactions', 'CP16-BAD')).toBe(0);
  });

  it('counts energy as the sum of the positive register steps, whatever order the readings arrive in (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.func(fc.integer()),
        async (registers, meterStart, meterStop, shuffleKey) => {
          run += 1;
          const cp = new Charger16(`CP16-PROP-${run}`);
          const { transactionId } = await h.send<{ transactionId: number }>(cp.start({ connectorId: 1, idTag: 'PROP', meterStart, timestamp: at(0) }));
          const messages = registers.map((wh, i) => cp.register(1, transactionId, at(i + 1), String(wh)));
          const order = messages.map((message, i) => ({ message, key: shuffleKey(i) })).sort((a, b) => a.key - b.key);
          let previous = 0n;
          for (const { message } of order) {
            await h.send(message);
            const energy = BigInt((await h.session(cp.stationId, transactionId)).energy_wh);
            expect(energy >= previous).toBe(true);
            previous = energy;
          }
          await h.send(cp.stop({ transactionId, meterStop, timestamp: at(registers.length + 1) }));
          const readings = [meterStart, ...registers, meterStop];
          const expected = readings.slice(1).reduce((sum, wh, i) => sum + Math.max(0, wh - readings[i]!), 0);
          expect((await h.session(cp.stationId, transactionId)).energy_wh).toBe(String(expected));
        },
      ),
      { numRuns: 25 },
    );
  });
});
