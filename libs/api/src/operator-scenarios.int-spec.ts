import { waitFor, type RawOcppClient } from '@evcsms/testing';
import { InProcessPlatform } from '../test/in-process-platform';
import { ResponseChecker, type OpenApiDocument } from '../test/openapi-contract';

/**
 * What an operator does through the API, end to end: the API sends the command, a real
 * WebSocket charger answers it the way a charger does, the sessions service records what the
 * charger reports, and the API shows the outcome.
 */
describe('operator scenarios through the API, the gateway and the sessions service', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: true });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => platform.call(method, path, body === undefined ? {} : { body });
  /** Validates answers against the schemas /docs-json publishes. */
  const contract = async (): Promise<ResponseChecker> => new ResponseChecker((await call('GET', '/docs-json')).body as OpenApiDocument);
  /** Sends an API request while the charger answers the one CALL it causes. */
  async function withAnswer(client: RawOcppClient, action: string, answer: Record<string, unknown>, request: () => ReturnType<typeof call>) {
    const pending = request();
    const received = (await client.expectCall(action, 5_000));
    client.sendFrame([3, received[1], answer]);
    return { received: received[3], response: await pending };
  }

  const boot16 = (stationId: string): Promise<RawOcppClient> => platform.bootStation(stationId, 'ocpp1.6');
  const boot201 = (stationId: string): Promise<RawOcppClient> => platform.bootStation(stationId, 'ocpp2.0.1');
  async function createToken(idToken: string, status = 'Accepted'): Promise<void> {
    expect((await call('POST', '/api/v1/tokens', { idToken, type: 'ISO14443', status })).status).toBe(201);
  }
  const sessionsOf = async (stationId: string) => (await call('GET', `/api/v1/sessions?stationId=${stationId}`)).body.items;

  describe('remote start and stop', () => {
    it('starts a 1.6 session remotely, sees it in the API, stops it remotely and reads its energy', async () => {
      await createToken('APP-USER-1');
      const cp = await boot16('CP-REMOTE-16');
      const started = await withAnswer(cp, 'RemoteStartTransaction', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CP-REMOTE-16/commands/remote-start', { idToken: 'APP-USER-1', evseId: 1 }),
      );
      expect(started.received).toEqual({ idTag: 'APP-USER-1', connectorId: 1 });
      expect(started.response.body).toEqual({ status: 'Accepted', response: { status: 'Accepted' } });

      const start = (await cp.call('s', 'StartTransaction', { connectorId: 1, idTag: 'APP-USER-1', meterStart: 500, timestamp: new Date().toISOString() }, 5_000)) as [number, string, { transactionId: number; idTagInfo: { status: string } }];
      expect(start[2].idTagInfo.status).toBe('Accepted');
      const [session] = await sessionsOf('CP-REMOTE-16');
      expect(session).toMatchObject({ status: 'active', transactionId: String(start[2].transactionId), idToken: 'APP-USER-1' });

      const stopped = await withAnswer(cp, 'RemoteStopTransaction', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CP-REMOTE-16/commands/remote-stop', { sessionId: session.id }),
      );
      expect(stopped.received).toEqual({ transactionId: start[2].transactionId });
      expect(stopped.response.status).toBe(200);
      await cp.call('t', 'StopTransaction', { transactionId: start[2].transactionId, meterStop: 12_750, timestamp: new Date().toISOString(), reason: 'Remote' }, 5_000);
      expect((await call('GET', `/api/v1/sessions/${session.id}`)).body).toMatchObject({ status: 'completed', energyWh: 12_250, stopReason: 'Remote' });

      const again = await call('POST', '/api/v1/stations/CP-REMOTE-16/commands/remote-stop', { sessionId: session.id });
      expect(again.status).toBe(409);
      expect(again.body.detail).toContain('already ended');
    });

    it('starts a 2.0.1 transaction remotely with a remoteStartId and stops it by its transaction id', async () => {
      await createToken('APP-USER-2');
      const cs = await boot201('CS-REMOTE-201');
      const started = await withAnswer(cs, 'RequestStartTransaction', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CS-REMOTE-201/commands/remote-start', { idToken: 'APP-USER-2', evseId: 1 }),
      );
      const remoteStartId = started.received['remoteStartId'];
      // The type the token is registered with: the station reports the session with it, and the CSMS authorizes it.
      expect(started.received).toMatchObject({ idToken: { idToken: 'APP-USER-2', type: 'ISO14443' }, evseId: 1 });
      expect(Number.isInteger(remoteStartId)).toBe(true);

      const event = (eventType: string, seqNo: number, energy: number, extra: Record<string, unknown> = {}) => ({
        eventType,
        timestamp: new Date().toISOString(),
        triggerReason: eventType === 'Started' ? 'RemoteStart' : eventType === 'Ended' ? 'RemoteStop' : 'MeterValuePeriodic',
        seqNo,
        transactionInfo: { transactionId: 'TX-REMOTE-1', ...(eventType === 'Started' ? { remoteStartId } : {}), ...(eventType === 'Ended' ? { stoppedReason: 'Remote' } : {}) },
        evse: { id: 1, connectorId: 1 },
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: energy, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } }] }],
        ...extra,
      });
      const startedEvent = await cs.call('e1', 'TransactionEvent', event('Started', 0, 10, { idToken: { idToken: 'APP-USER-2', type: 'ISO14443' } }), 5_000);
      expect(startedEvent).toEqual([3, 'e1', { idTokenInfo: expect.objectContaining({ status: 'Accepted' }) }]);
      const [session] = await sessionsOf('CS-REMOTE-201');
      expect(session).toMatchObject({ status: 'active', transactionId: 'TX-REMOTE-1' });

      const stopped = await withAnswer(cs, 'RequestStopTransaction', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CS-REMOTE-201/commands/remote-stop', { sessionId: session.id }),
      );
      expect(stopped.received).toEqual({ transactionId: 'TX-REMOTE-1' });
      expect(await cs.call('e2', 'TransactionEvent', event('Ended', 1, 31.5), 5_000)).toEqual([3, 'e2', {}]);
      expect((await call('GET', `/api/v1/sessions/${session.id}`)).body).toMatchObject({ status: 'completed', energyWh: 21_500, stopReason: 'Remote' });
    });
  });

  describe('reservations', () => {
    const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

    it('reserves a 1.6 connector, and the session started on it uses the reservation', async () => {
      await createToken('RESERVER-1');
      const cp = await boot16('CP-RESERVE-16');
      const reserved = await withAnswer(cp, 'ReserveNow', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CP-RESERVE-16/reservations', { evseId: 1, idToken: 'RESERVER-1', expiresAt: inMinutes(15) }),
      );
      expect(reserved.response.status).toBe(201);
      const reservation = reserved.response.body;
      expect(reservation).toMatchObject({ stationId: 'CP-RESERVE-16', evseId: 1, idToken: 'RESERVER-1', status: 'Accepted' });
      expect(reserved.received).toEqual({ connectorId: 1, expiryDate: reservation.expiresAt, idTag: 'RESERVER-1', reservationId: reservation.id });

      await cp.call('s', 'StartTransaction', { connectorId: 1, idTag: 'RESERVER-1', meterStart: 0, timestamp: new Date().toISOString(), reservationId: reservation.id }, 5_000);
      await waitFor(async () => (await call('GET', `/api/v1/reservations/${reservation.id}`)).body.status === 'Used', { description: 'reservation used', timeoutMs: 5_000 });
      const cancelUsed = await call('DELETE', `/api/v1/reservations/${reservation.id}`);
      expect(cancelUsed.status).toBe(409);
    });

    it('keeps a refused reservation as Rejected and answers 409 with the station status', async () => {
      const cp = await boot16('CP-OCCUPIED-16');
      const refused = await withAnswer(cp, 'ReserveNow', { status: 'Occupied' }, () =>
        call('POST', '/api/v1/stations/CP-OCCUPIED-16/reservations', { evseId: 2, idToken: 'SOMEONE', expiresAt: inMinutes(10) }),
      );
      expect(refused.response.status).toBe(409);
      expect(refused.response.body).toMatchObject({ stationStatus: 'Occupied', reservationId: expect.any(Number) });
      const listed = await call('GET', '/api/v1/reservations?stationId=CP-OCCUPIED-16');
      expect(listed.body.items).toEqual([expect.objectContaining({ id: refused.response.body.reservationId, status: 'Rejected' })]);
    });

    it('cancels a 2.0.1 reservation at the station', async () => {
      const cs = await boot201('CS-RESERVE-201');
      const reserved = await withAnswer(cs, 'ReserveNow', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CS-RESERVE-201/reservations', { evseId: 1, idToken: 'FLEET-7', idTokenType: 'eMAID', expiresAt: inMinutes(30) }),
      );
      expect(reserved.received).toMatchObject({ id: reserved.response.body.id, evseId: 1, idToken: { idToken: 'FLEET-7', type: 'eMAID' } });
      const cancelled = await withAnswer(cs, 'CancelReservation', { status: 'Accepted' }, () => call('DELETE', `/api/v1/reservations/${reserved.response.body.id}`));
      expect(cancelled.received).toEqual({ reservationId: reserved.response.body.id });
      expect(cancelled.response.body).toMatchObject({ status: 'Cancelled' });
      const responses = await contract();
      responses.check('post', '/api/v1/stations/{id}/reservations', 201, reserved.response.body);
      responses.check('delete', '/api/v1/reservations/{id}', 200, cancelled.response.body);
      responses.check('get', '/api/v1/reservations', 200, (await call('GET', '/api/v1/reservations?stationId=CS-RESERVE-201')).body);
    });

    it('sends the token as registered: its type and group (1.6 parentIdTag, 2.0.1 groupIdToken), and a 2.0.1 connectorType', async () => {
      expect((await call('POST', '/api/v1/tokens', { idToken: 'APP-RESERVER', type: 'Central', groupId: 'FLEET-GROUP' })).status).toBe(201);
      const cs = await boot201('CS-RESERVE-TOKEN');
      const reserved = await withAnswer(cs, 'ReserveNow', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CS-RESERVE-TOKEN/reservations', { evseId: 2, connectorType: 'cCCS2', idToken: 'APP-RESERVER', expiresAt: inMinutes(20) }),
      );
      expect(reserved.response.status).toBe(201);
      expect(reserved.received).toEqual({
        id: reserved.response.body.id,
        expiryDateTime: reserved.response.body.expiresAt,
        idToken: { idToken: 'APP-RESERVER', type: 'Central' },
        groupIdToken: { idToken: 'FLEET-GROUP', type: 'Central' },
        evseId: 2,
        connectorType: 'cCCS2',
      });

      const cp = await boot16('CP-RESERVE-TOKEN');
      const reserved16 = await withAnswer(cp, 'ReserveNow', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CP-RESERVE-TOKEN/reservations', { evseId: 1, idToken: 'APP-RESERVER', expiresAt: inMinutes(20) }),
      );
      expect(reserved16.received).toEqual({
        connectorId: 1,
        expiryDate: reserved16.response.body.expiresAt,
        idTag: 'APP-RESERVER',
        parentIdTag: 'FLEET-GROUP',
        reservationId: reserved16.response.body.id,
      });
      const typed16 = await call('POST', '/api/v1/stations/CP-RESERVE-TOKEN/reservations', { evseId: 1, connectorType: 'cType2', idToken: 'APP-RESERVER', expiresAt: inMinutes(20) });
      expect(typed16.status).toBe(400);
      expect(typed16.body.detail).toContain('connectorType is OCPP 2.0.1 only');
    });

    it('records a reservation the station reports expired, and reads an unreported one past its expiry as Expired', async () => {
      const cs = await boot201('CS-EXPIRE-201');
      const reported = await withAnswer(cs, 'ReserveNow', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CS-EXPIRE-201/reservations', { idToken: 'LATE-DRIVER', expiresAt: inMinutes(5) }),
      );
      expect(await cs.call('r', 'ReservationStatusUpdate', { reservationId: reported.response.body.id, reservationUpdateStatus: 'Expired' }, 5_000)).toEqual([3, 'r', {}]);
      expect((await call('GET', `/api/v1/reservations/${reported.response.body.id}`)).body.status).toBe('Expired');

      const silent = await withAnswer(cs, 'ReserveNow', { status: 'Accepted' }, () =>
        call('POST', '/api/v1/stations/CS-EXPIRE-201/reservations', { idToken: 'LATE-DRIVER', expiresAt: new Date(Date.now() + 1_500).toISOString() }),
      );
      expect(silent.response.body.status).toBe('Accepted');
      await waitFor(async () => (await call('GET', `/api/v1/reservations/${silent.response.body.id}`)).body.status === 'Expired', { description: 'expired', timeoutMs: 5_000 });
      const expired = await call('GET', '/api/v1/reservations?stationId=CS-EXPIRE-201&status=Expired');
      expect(expired.body.items.map((item: { id: number }) => item.id).sort()).toEqual([reported.response.body.id, silent.response.body.id].sort());
    });

    it('validates the request and refuses an offline station', async () => {
      expect((await call('POST', '/api/v1/stations/CP-RESERVE-16/reservations', { idToken: 'X', expiresAt: new Date(Date.now() - 1_000).toISOString() })).status).toBe(400);
      expect((await call('POST', '/api/v1/stations/CP-RESERVE-16/reservations', { idToken: 'X' })).body.errors).toEqual([{ path: '/', message: "must have required property 'expiresAt'" }]);
      expect((await call('GET', '/api/v1/reservations?status=Whatever')).status).toBe(400);
      expect((await call('GET', '/api/v1/reservations/99999999')).status).toBe(404);
      expect((await call('POST', '/api/v1/stations/NEVER-SEEN/reservations', { idToken: 'X', expiresAt: inMinutes(5) })).status).toBe(404);
    });
  });

  describe('local authorization lists', () => {
    it('sends a full 1.6 list, then a differential update, and tracks the version the station holds', async () => {
      const cp = await boot16('CP-LIST-16');
      const full = await withAnswer(cp, 'SendLocalList', { status: 'Accepted' }, () =>
        call('PUT', '/api/v1/stations/CP-LIST-16/local-list', {
          updateType: 'Full',
          entries: [
            { idToken: 'CARD-A', status: 'Accepted', expiresAt: '2027-01-01T00:00:00.000Z' },
            { idToken: 'CARD-B', status: 'Blocked', groupId: 'FLEET' },
          ],
        }),
      );
      expect(full.received).toEqual({
        listVersion: 1,
        updateType: 'Full',
        localAuthorizationList: [
          { idTag: 'CARD-A', idTagInfo: { status: 'Accepted', expiryDate: '2027-01-01T00:00:00.000Z' } },
          { idTag: 'CARD-B', idTagInfo: { status: 'Blocked', parentIdTag: 'FLEET' } },
        ],
      });
      expect(full.response.body).toMatchObject({ version: 1, entries: [expect.objectContaining({ idToken: 'CARD-A' }), expect.objectContaining({ idToken: 'CARD-B', status: 'Blocked' })] });
      (await contract()).check('put', '/api/v1/stations/{id}/local-list', 200, full.response.body);

      const differential = await withAnswer(cp, 'SendLocalList', { status: 'Accepted' }, () =>
        call('PUT', '/api/v1/stations/CP-LIST-16/local-list', { updateType: 'Differential', entries: [{ idToken: 'CARD-B' }, { idToken: 'CARD-C', status: 'Accepted' }] }),
      );
      expect(differential.received).toEqual({
        listVersion: 2,
        updateType: 'Differential',
        localAuthorizationList: [{ idTag: 'CARD-B' }, { idTag: 'CARD-C', idTagInfo: { status: 'Accepted' } }],
      });
      expect(differential.response.body.entries.map((entry: { idToken: string }) => entry.idToken)).toEqual(['CARD-A', 'CARD-C']);

      const mismatch = await withAnswer(cp, 'SendLocalList', { status: 'VersionMismatch' }, () =>
        call('PUT', '/api/v1/stations/CP-LIST-16/local-list', { updateType: 'Differential', entries: [{ idToken: 'CARD-D', status: 'Accepted' }] }),
      );
      expect(mismatch.response.status).toBe(409);
      expect(mismatch.response.body).toMatchObject({ stationStatus: 'VersionMismatch', version: 3 });
      expect((await call('GET', '/api/v1/stations/CP-LIST-16/local-list')).body.version).toBe(2);

      const refreshed = await withAnswer(cp, 'GetLocalListVersion', { listVersion: 7 }, () => call('GET', '/api/v1/stations/CP-LIST-16/local-list?refresh=true'));
      expect(refreshed.response.body.version).toBe(7);
    });

    it('speaks the 2.0.1 shape and refuses a full list entry without a status', async () => {
      const cs = await boot201('CS-LIST-201');
      const sent = await withAnswer(cs, 'SendLocalList', { status: 'Accepted' }, () =>
        call('PUT', '/api/v1/stations/CS-LIST-201/local-list', { updateType: 'Full', entries: [{ idToken: 'EMAID-1', type: 'eMAID', status: 'Accepted' }] }),
      );
      expect(sent.received).toEqual({
        versionNumber: 1,
        updateType: 'Full',
        localAuthorizationList: [{ idToken: { idToken: 'EMAID-1', type: 'eMAID' }, idTokenInfo: { status: 'Accepted' } }],
      });
      const refreshed = await withAnswer(cs, 'GetLocalListVersion', { versionNumber: 1 }, () => call('GET', '/api/v1/stations/CS-LIST-201/local-list?refresh=true'));
      expect(refreshed.response.body).toMatchObject({ version: 1, entries: [expect.objectContaining({ idToken: 'EMAID-1', type: 'eMAID' })] });

      const invalid = await call('PUT', '/api/v1/stations/CS-LIST-201/local-list', { updateType: 'Full', entries: [{ idToken: 'NO-STATUS' }] });
      expect(invalid.status).toBe(400);
      expect(invalid.body.detail).toContain('needs a status');
    });
  });

  describe('tokens are case-insensitive, as both protocol versions define them', () => {
    it('authorizes an idTag whatever its case, and refuses a token that differs only in case', async () => {
      await createToken('AbCd-1234');
      const cp = await boot16('CP-CASE-16');
      expect(await cp.call('a', 'Authorize', { idTag: 'abcd-1234' }, 5_000)).toEqual([3, 'a', { idTagInfo: { status: 'Accepted' } }]);
      const duplicate = await call('POST', '/api/v1/tokens', { idToken: 'ABCD-1234', type: 'ISO14443', status: 'Accepted' });
      expect(duplicate.status).toBe(409);
    });

    it('answers Blocked and Expired tokens as such', async () => {
      await createToken('BLOCKED-CARD', 'Blocked');
      expect((await call('POST', '/api/v1/tokens', { idToken: 'OLD-CARD', type: 'ISO14443', status: 'Accepted', expiresAt: '2020-01-01T00:00:00Z' })).status).toBe(201);
      const cs = await boot201('CS-AUTH-201');
      const blocked = await cs.call('a1', 'Authorize', { idToken: { idToken: 'blocked-card', type: 'ISO14443' } }, 5_000);
      expect(blocked).toEqual([3, 'a1', { idTokenInfo: expect.objectContaining({ status: 'Blocked' }) }]);
      const expired = await cs.call('a2', 'Authorize', { idToken: { idToken: 'OLD-CARD', type: 'ISO14443' } }, 5_000);
      expect(expired).toEqual([3, 'a2', { idTokenInfo: expect.objectContaining({ status: 'Expired' }) }]);
    });
  });
});
