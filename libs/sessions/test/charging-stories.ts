import { at, Charger16, energyReading201, Station201 } from './station-call.factory';
import type { SessionsHarness } from './sessions.harness';

/** Session event types written for a station, in order. */
async function sessionEventTypes(h: SessionsHarness, stationId: string): Promise<string[]> {
  return (await h.events(stationId)).filter((event) => String(event['type']).startsWith('session-')).map((event) => String(event['type']));
}

/**
 * A 1.6 charger's ordinary session: boot, status, authorize, start, two meter readings, stop.
 * Energy is meterStop - meterStart, every sample is stored once, the events tell the story.
 */
export async function ordinarySession16(h: SessionsHarness, stationId: string): Promise<number> {
  const cp = new Charger16(stationId);
  const tag = `${stationId}-TAG`;
  await h.addToken({ idToken: tag });

  const boot = await h.send(cp.boot());
  expect(boot).toEqual({ status: 'Accepted', interval: 300, currentTime: expect.stringMatching(/^2026-03-01T08:00:01/) });
  await h.send(cp.status(0, 'Available', at(0)));
  await h.send(cp.status(1, 'Available', at(0)));
  expect(await h.send(cp.authorize(tag))).toEqual({ idTagInfo: { status: 'Accepted' } });
  await h.send(cp.status(1, 'Preparing', at(1)));

  const started = await h.send<{ transactionId: number; idTagInfo: unknown }>(cp.start({ connectorId: 1, idTag: tag, meterStart: 1_000_000, timestamp: at(2) }));
  expect(started).toEqual({ transactionId: expect.any(Number), idTagInfo: { status: 'Accepted' } });
  const txId = started.transactionId;
  await h.send(cp.status(1, 'Charging', at(2)));
  expect(await h.send(cp.register(1, txId, at(17), '1002500'))).toEqual({});
  expect(await h.session(stationId, txId)).toMatchObject({ status: 'active', energy_wh: '2500' });
  await h.send(cp.register(1, txId, at(32), '1005000'));
  await h.send(cp.status(1, 'Finishing', at(45)));
  const stopped = await h.send(
    cp.stop({
      transactionId: txId,
      idTag: tag,
      meterStop: 1_007_350,
      timestamp: at(45),
      reason: 'EVDisconnected',
      transactionData: [{ timestamp: at(45), sampledValue: [{ value: '1007.35', unit: 'kWh', context: 'Transaction.End' }] }],
    }),
  );
  expect(stopped).toEqual({ idTagInfo: { status: 'Accepted' } });
  await h.send(cp.status(1, 'Available', at(46)));

  const session = await h.session(stationId, txId);
  expect(session).toMatchObject({
    protocol: 'ocpp1.6',
    evse_id: 1,
    connector_id: 1,
    id_token: tag,
    id_token_type: 'ISO14443',
    status: 'completed',
    meter_start_wh: '1000000',
    meter_stop_wh: '1007350',
    energy_wh: '7350',
    stop_reason: 'EVDisconnected',
    flags: [],
    auth_status: 'Accepted',
  });
  expect(session.started_at).toEqual(new Date(at(2)));
  expect(session.ended_at).toEqual(new Date(at(45)));
  // 2 MeterValues x 3 samples, and the Transaction.End sample of StopTransaction.
  expect(await h.count('meter_values', stationId)).toBe(7);
  expect(await h.count('transactions', stationId)).toBe(1);
  expect(await h.station(stationId)).toMatchObject({
    protocol: 'ocpp1.6',
    vendor: 'Acme',
    model: 'Wallbox 22',
    serial_number: `SN-${stationId}`,
    firmware_version: '1.4.2',
    meter_type: 'DZG DVH4013',
    registration_status: 'Accepted',
  });
  expect(await sessionEventTypes(h, stationId)).toEqual(['session-started', 'session-updated', 'session-updated', 'session-ended']);
  const ended = (await h.events(stationId)).find((event) => event['type'] === 'session-ended')!;
  expect(ended['session']).toMatchObject({ energyWh: 7350, startedAt: at(2), endedAt: at(45), stationId, evseId: 1, connectorId: 1, idToken: tag, flags: [] });
  return txId;
}

/** The 2.0.1 equivalent, with TransactionEvents and readings in kWh and with a multiplier. */
export async function ordinarySession201(h: SessionsHarness, stationId: string): Promise<void> {
  const cs = new Station201(stationId);
  const token = `${stationId}-EMAID`;
  await h.addToken({ idToken: token, type: 'eMAID' });
  const idToken = { idToken: token, type: 'eMAID' as const };

  expect(await h.send(cs.boot())).toMatchObject({ status: 'Accepted', interval: 300 });
  await h.send(cs.status(1, 1, 'Available', at(0)));
  expect(await h.send(cs.authorize(token, 'eMAID'))).toEqual({ idTokenInfo: { status: 'Accepted' } });
  const started = await h.send(
    cs.transactionEvent({
      eventType: 'Started',
      seqNo: 0,
      timestamp: at(1),
      triggerReason: 'Authorized',
      idToken,
      evse: { id: 1, connectorId: 1 },
      transactionInfo: { transactionId: 'TX-201-1', chargingState: 'Charging' },
      meterValue: [energyReading201(at(1), 12.5, { unit: 'kWh' }, 'Transaction.Begin')],
    }),
  );
  expect(started).toEqual({ idTokenInfo: { status: 'Accepted' } });
  await h.send(cs.status(1, 1, 'Occupied', at(1)));
  expect(
    await h.send(
      cs.transactionEvent({
        eventType: 'Updated',
        seqNo: 1,
        timestamp: at(16),
        triggerReason: 'MeterValuePeriodic',
        transactionInfo: { transactionId: 'TX-201-1' },
        meterValue: [energyReading201(at(16), 20.25, { unit: 'kWh' })],
      }),
    ),
  ).toEqual({});
  await h.send(
    cs.transactionEvent({
      eventType: 'Updated',
      seqNo: 2,
      timestamp: at(31),
      triggerReason: 'MeterValuePeriodic',
      transactionInfo: { transactionId: 'TX-201-1' },
      // 27.125 x 10^3 Wh
      meterValue: [energyReading201(at(31), 27.125, { unit: 'Wh', multiplier: 3 })],
    }),
  );
  await h.send(
    cs.transactionEvent({
      eventType: 'Ended',
      seqNo: 3,
      timestamp: at(40),
      triggerReason: 'EVCommunicationLost',
      transactionInfo: { transactionId: 'TX-201-1', stoppedReason: 'EVDisconnected', chargingState: 'Idle' },
      meterValue: [energyReading201(at(40), 30.001, { unit: 'kWh' }, 'Transaction.End')],
    }),
  );
  await h.send(cs.status(1, 1, 'Available', at(41)));

  const session = await h.session(stationId, 'TX-201-1');
  expect(session).toMatchObject({
    protocol: 'ocpp2.0.1',
    evse_id: 1,
    connector_id: 1,
    id_token: token,
    id_token_type: 'eMAID',
    status: 'completed',
    meter_start_wh: '12500',
    meter_stop_wh: '30001',
    energy_wh: '17501',
    stop_reason: 'EVDisconnected',
    last_seq_no: 3,
    trigger_reason: 'EVCommunicationLost',
    charging_state: 'Idle',
    flags: [],
  });
  expect(session.started_at).toEqual(new Date(at(1)));
  expect(session.ended_at).toEqual(new Date(at(40)));
  expect(await h.count('meter_values', stationId)).toBe(8);
  expect(await h.station(stationId)).toMatchObject({ protocol: 'ocpp2.0.1', vendor: 'Volta', model: 'DC-150', iccid: '89310', imsi: '20404' });
  expect(await sessionEventTypes(h, stationId)).toEqual(['session-started', 'session-updated', 'session-updated', 'session-ended']);
}

/** The 2.0.1 session's events, to deliver in any order. */
export function transactionEvents201(cs: Station201, transactionId: string, options: { offline?: boolean } = {}) {
  const offline = options.offline ? { offline: true } : {};
  const idToken = { idToken: `${cs.stationId}-TOKEN`, type: 'ISO14443' as const };
  return {
    started: cs.transactionEvent({
      eventType: 'Started',
      seqNo: 0,
      timestamp: at(1),
      triggerReason: 'CablePluggedIn',
      idToken,
      evse: { id: 2, connectorId: 1 },
      transactionInfo: { transactionId, chargingState: 'EVConnected', remoteStartId: 77 },
      meterValue: [energyReading201(at(1), 40_000, undefined, 'Transaction.Begin')],
      ...offline,
    }),
    updated: cs.transactionEvent({
      eventType: 'Updated',
      seqNo: 1,
      timestamp: at(20),
      triggerReason: 'ChargingStateChanged',
      transactionInfo: { transactionId, chargingState: 'Charging' },
      meterValue: [energyReading201(at(20), 45_500)],
      ...offline,
    }),
    ended: cs.transactionEvent({
      eventType: 'Ended',
      seqNo: 2,
      timestamp: at(50),
      triggerReason: 'StopAuthorized',
      idToken,
      transactionInfo: { transactionId, stoppedReason: 'Local' },
      meterValue: [energyReading201(at(50), 52_000, undefined, 'Transaction.End')],
      ...offline,
    }),
  };
}

/**
 * 2.0.1 events out of order: Ended first, then Updated, then Started. The session ends up
 * exactly as if they had come in order: started when Started says, token from Started, energy
 * from every reading, completed and never reopened.
 */
export async function outOfOrder201(h: SessionsHarness, stationId: string): Promise<void> {
  const cs = new Station201(stationId);
  await h.addToken({ idToken: `${stationId}-TOKEN` });
  const events = transactionEvents201(cs, 'TX-OOO');

  expect(await h.send(events.ended)).toEqual({ idTokenInfo: { status: 'Accepted' } });
  expect(await h.session(stationId, 'TX-OOO')).toMatchObject({ status: 'completed', energy_wh: '0', last_seq_no: 2 });
  expect(await h.send(events.updated)).toEqual({});
  expect(await h.session(stationId, 'TX-OOO')).toMatchObject({ status: 'completed', energy_wh: '6500' });
  expect(await h.send(events.started)).toEqual({ idTokenInfo: { status: 'Accepted' } });

  const session = await h.session(stationId, 'TX-OOO');
  expect(session).toMatchObject({
    status: 'completed',
    evse_id: 2,
    connector_id: 1,
    id_token: `${stationId}-TOKEN`,
    energy_wh: '12000',
    meter_start_wh: '40000',
    meter_stop_wh: '52000',
    last_seq_no: 2,
    trigger_reason: 'StopAuthorized',
    stop_reason: 'Local',
    remote_start_id: 77,
    flags: [],
  });
  expect(session.started_at).toEqual(new Date(at(1)));
  expect(session.ended_at).toEqual(new Date(at(50)));
  expect(await h.count('transactions', stationId)).toBe(1);
  // Created ended; then a correction each time an older event completed what was final.
  expect(await sessionEventTypes(h, stationId)).toEqual(['session-started', 'session-ended', 'session-ended', 'session-ended']);
}

/**
 * A 1.6 charger that reboots mid-session: the connector comes back Available and the session is
 * closed with the energy counted so far; then the StopTransaction it had queued arrives and
 * completes the same session with the real meter stop. One session, counted once.
 */
export async function rebootMidSession16(h: SessionsHarness, stationId: string): Promise<void> {
  const cp = new Charger16(stationId);
  const tag = `${stationId}-TAG`;
  await h.addToken({ idToken: tag });
  await h.send(cp.boot({}, { receivedAt: at(-1) }));
  const { transactionId } = await h.send<{ transactionId: number }>(cp.start({ connectorId: 1, idTag: tag, meterStart: 5000, timestamp: at(0) }));
  await h.send(cp.register(1, transactionId, at(10), '6000'));

  // Power cut at minute 15; back at minute 20.
  cp.reconnect(`${stationId}-conn-2`);
  await h.send(cp.boot({}, { receivedAt: at(20) }));
  await h.send(cp.status(1, 'Available', at(20)));
  const closed = await h.session(stationId, transactionId);
  expect(closed).toMatchObject({ status: 'completed', energy_wh: '1000', meter_stop_wh: null, flags: ['closed-without-stop'] });
  expect(closed.ended_at).toEqual(new Date(at(20)));

  const answer = await h.send(cp.stop({ transactionId, idTag: tag, meterStop: 6500, timestamp: at(15), reason: 'PowerLoss' }));
  expect(answer).toEqual({ idTagInfo: { status: 'Accepted' } });
  const completed = await h.session(stationId, transactionId);
  expect(completed).toMatchObject({ status: 'completed', energy_wh: '1500', meter_stop_wh: '6500', stop_reason: 'PowerLoss', flags: ['stop-arrived-late'] });
  expect(completed.ended_at).toEqual(new Date(at(15)));
  expect(await h.count('transactions', stationId)).toBe(1);

  const ends = (await h.events(stationId)).filter((event) => event['type'] === 'session-ended');
  expect(ends.map((event) => [event['correction'], (event['session'] as { energyWh: number }).energyWh])).toEqual([
    [false, 1000],
    [true, 1500],
  ]);
}
