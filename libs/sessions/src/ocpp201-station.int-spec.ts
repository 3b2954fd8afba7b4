import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { ordinarySession201, outOfOrder201, transactionEvents201 } from '../test/charging-stories';
import { SessionsHarness } from '../test/sessions.harness';
import { at, energyReading201, Station201 } from '../test/station-call.factory';

describe('an OCPP 2.0.1 charging station, on PostgreSQL', () => {
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

  it('boots, authorizes and charges through Started / Updated / Ended: energy from the register, kWh and multipliers exact', async () => {
    await ordinarySession201(h, 'CS201-ORDINARY');
  });

  it('gets the same answers and the same rows when every message is delivered twice', async () => {
    h.redeliver = true;
    await ordinarySession201(h, 'CS201-TWICE');
  });

  it('ends up the same when events arrive out of order (Ended, then Updated, then Started)', async () => {
    h.redeliver = true;
    await outOfOrder201(h, 'CS201-OOO');
  });

  it('applies an older event without moving state back: a late Updated does not reopen or overwrite', async () => {
    const cs = new Station201('CS201-LATE-UPDATE');
    const events = transactionEvents201(cs, 'TX-LATE');
    await h.send(events.started);
    await h.send(events.ended);
    await h.send(events.updated);
    const session = await h.session('CS201-LATE-UPDATE', 'TX-LATE');
    expect(session).toMatchObject({ status: 'completed', energy_wh: '12000', last_seq_no: 2, trigger_reason: 'StopAuthorized' });
    expect(session.ended_at).toEqual(new Date(at(50)));
  });

  it('replays an offline session after reconnecting: event times kept, flagged offline, energy right', async () => {
    h.redeliver = true;
    const cs = new Station201('CS201-OFFLINE');
    await h.addToken({ idToken: 'CS201-OFFLINE-TOKEN' });
    const events = transactionEvents201(cs, 'TX-OFFLINE', { offline: true });
    // Back online two hours later; the queued events arrive in a burst.
    cs.reconnect('CS201-OFFLINE-conn-2');
    cs.receiveAt(at(120));
    await h.send(cs.boot());
    for (const event of [events.started, events.updated, events.ended]) await h.send(event);
    const session = await h.session('CS201-OFFLINE', 'TX-OFFLINE');
    expect(session).toMatchObject({ status: 'completed', energy_wh: '12000', flags: ['offline'], evse_id: 2, auth_status: 'Accepted' });
    expect(session.started_at).toEqual(new Date(at(1)));
    expect(session.ended_at).toEqual(new Date(at(50)));
  });

  it('creates the session completed when Ended comes first, and a later Started does not reopen it', async () => {
    const cs = new Station201('CS201-ENDED-FIRST');
    const events = transactionEvents201(cs, 'TX-EF');
    await h.send(events.ended);
    await h.send(events.started);
    expect(await h.session('CS201-ENDED-FIRST', 'TX-EF')).toMatchObject({ status: 'completed', energy_wh: '12000' });
  });

  it('answers idTokenInfo only for events that carry an idToken, and records a token change', async () => {
    await h.addToken({ idToken: 'CARD-A' });
    await h.addToken({ idToken: 'CARD-B', status: 'Blocked' });
    const cs = new Station201('CS201-TOKENS');
    const base = { transactionInfo: { transactionId: 'TX-T' }, triggerReason: 'Authorized' as const };
    expect(await h.send(cs.transactionEvent({ ...base, eventType: 'Started', seqNo: 0, timestamp: at(0), evse: { id: 1 } }))).toEqual({});
    expect(await h.session('CS201-TOKENS', 'TX-T')).toMatchObject({ id_token: null, evse_id: 1, connector_id: 1 });
    expect(
      await h.send(cs.transactionEvent({ ...base, eventType: 'Updated', seqNo: 1, timestamp: at(1), idToken: { idToken: 'CARD-A', type: 'ISO14443' } })),
    ).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(
      await h.send(cs.transactionEvent({ ...base, eventType: 'Updated', seqNo: 2, timestamp: at(2), idToken: { idToken: 'CARD-B', type: 'ISO14443' } })),
    ).toEqual({ idTokenInfo: { status: 'Blocked' } });
    expect(await h.session('CS201-TOKENS', 'TX-T')).toMatchObject({ id_token: 'CARD-B', auth_status: 'Blocked', flags: ['unauthorized-start'] });
  });

  describe('Authorize', () => {
    beforeAll(() => h.addToken({ idToken: 'EMAID-1', type: 'eMAID', expiresAt: '2027-06-01T00:00:00Z', groupIdToken: 'GROUP-1' }));

    it.each([
      [{ idToken: 'ANYTHING', type: 'NoAuthorization' }, { status: 'Accepted' }],
      [{ idToken: 'EMAID-1', type: 'eMAID' }, { status: 'Accepted', cacheExpiryDateTime: '2027-06-01T00:00:00.000Z', groupIdToken: { idToken: 'GROUP-1', type: 'Central' } }],
      [{ idToken: 'EMAID-1', type: 'ISO14443' }, { status: 'Invalid' }],
      [{ idToken: 'UNKNOWN-1', type: 'KeyCode' }, { status: 'Invalid' }],
    ] as const)('answers %j with %j (the type must match; NoAuthorization needs no token)', async (idToken, idTokenInfo) => {
      expect(await h.send(new Station201('CS201-AUTH').authorize(idToken.idToken, idToken.type))).toEqual({ idTokenInfo });
    });
  });

  it('ends reservations the station reports, and marks one Used when a session starts on it', async () => {
    h.redeliver = true;
    await h.addReservation(901, 'CS201-RES', 'R1');
    await h.addReservation(902, 'CS201-RES', 'R2');
    await h.addReservation(903, 'CS201-RES', 'R3');
    const cs = new Station201('CS201-RES');
    expect(await h.send(cs.reservationStatusUpdate(901, 'Expired'))).toEqual({});
    await h.send(cs.reservationStatusUpdate(902, 'Removed'));
    await h.send(
      cs.transactionEvent({
        eventType: 'Started',
        seqNo: 0,
        timestamp: at(0),
        triggerReason: 'Authorized',
        reservationId: 903,
        evse: { id: 1, connectorId: 1 },
        transactionInfo: { transactionId: 'TX-RES' },
      }),
    );
    // A reservation already used stays Used whatever the station says afterwards.
    await h.send(cs.reservationStatusUpdate(903, 'Expired'));
    expect([await h.reservationStatus(901), await h.reservationStatus(902), await h.reservationStatus(903)]).toEqual(['Expired', 'Cancelled', 'Used']);
    expect(await h.session('CS201-RES', 'TX-RES')).toMatchObject({ reservation_id: 903 });
  });

  it('stores MeterValues outside a transaction, per EVSE, with multipliers applied', async () => {
    const cs = new Station201('CS201-MV');
    await h.send(cs.meterValues(0, [energyReading201(at(0), 1.5, { unit: 'MWh' }), energyReading201(at(1), 123456, { unit: 'Wh', multiplier: -1 })]));
    expect(
      await h.db.query(`SELECT evse_id, unit, value::text AS value FROM meter_values WHERE station_id = 'CS201-MV' AND measurand = 'Energy.Active.Import.Register' ORDER BY sampled_at`),
    ).toEqual([
      { evse_id: 0, unit: 'Wh', value: '1500000' },
      { evse_id: 0, unit: 'Wh', value: '12345.6' },
    ]);
  });

  it('answers a station DataTransfer with UnknownVendorId', async () => {
    expect(await h.send(new Station201('CS201-DT').dataTransfer('org.example'))).toEqual({ status: 'UnknownVendorId' });
  });
});
