import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { ordinarySession201 } from '../test/charging-stories';
import { countingStatements, SessionsHarness } from '../test/sessions.harness';
import { at, Charger16, Station201 } from '../test/station-call.factory';
import { SessionsProcessors } from '.';

/**
 * The station event log as the sessions service writes it, and the session lifecycle log lines
 * it writes after commit. (Through a real gateway and the API: libs/api/src/stations/station-events.int-spec.ts.)
 */
describe('station event log and lifecycle log lines, on PostgreSQL', () => {
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

  const eventRows = (stationId: string) =>
    h.db.query<Array<{ action: string; message_id: string; payload: unknown }>>(`SELECT action, message_id, payload FROM station_events WHERE station_id = $1 ORDER BY id`, [stationId]);

  it('writes a batch of station events with one INSERT, beside the waves, idempotent under redelivery', async () => {
    const counting = countingStatements(h.db);
    const service = new SessionsProcessors(counting.dataSource, { unknownStationBootPolicy: 'Accepted', logger: h.logger });
    const cp = new Charger16('CP-EVENTS-BATCH');
    const cs = new Station201('CS-EVENTS-BATCH');
    const security = cp.call('SecurityEventNotification', { type: 'FirmwareUpdated', timestamp: at(1) });
    const batch = [
      cp.boot(),
      security,
      cp.register(1, undefined, at(2), '100'),
      cp.call('DiagnosticsStatusNotification', { status: 'Uploaded' }),
      cs.boot(),
      cs.call('NotifyEvent', { generatedAt: at(3), seqNo: 0, eventData: [] }),
      cs.call('NotifyEVChargingNeeds', { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase' } }),
      security,
    ];
    const outcomes = await service.processBatch(batch);
    expect(outcomes.map((outcome, i) => [batch[i]!.action, 'result' in outcome && batch[i]!.action !== 'BootNotification' ? outcome.result : 'boot'])).toEqual([
      ['BootNotification', 'boot'],
      ['SecurityEventNotification', {}],
      ['MeterValues', {}],
      ['DiagnosticsStatusNotification', {}],
      ['BootNotification', 'boot'],
      ['NotifyEvent', {}],
      ['NotifyEVChargingNeeds', { status: 'Rejected' }],
      ['SecurityEventNotification', {}],
    ]);
    expect(counting.statements.filter((sql) => sql.includes('INSERT INTO station_events'))).toHaveLength(1);
    expect((await eventRows('CP-EVENTS-BATCH')).map((row) => row.action)).toEqual(['SecurityEventNotification', 'DiagnosticsStatusNotification']);
    expect(await eventRows('CS-EVENTS-BATCH')).toEqual([
      { action: 'NotifyEvent', message_id: batch[5]!.messageId, payload: { generatedAt: at(3), seqNo: 0, eventData: [] } },
      { action: 'NotifyEVChargingNeeds', message_id: batch[6]!.messageId, payload: batch[6]!.payload },
    ]);

    // The whole batch again (a rebalance), then one by one: no new row, the same answers.
    expect(await service.processBatch(batch)).toEqual(outcomes);
    for (const envelope of batch.slice(1, 4)) await h.deliver(envelope);
    expect(await eventRows('CP-EVENTS-BATCH')).toHaveLength(2);
    expect(await eventRows('CS-EVENTS-BATCH')).toHaveLength(2);
  });

  it('keeps the same message id on a new connection as a new event (a station that restarted its counter)', async () => {
    const cs = new Station201('CS-EVENTS-RECONNECT');
    const first = cs.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: at(1) });
    await h.send(first);
    cs.reconnect('connection-2');
    await h.send({ ...first, connectionId: 'connection-2', payload: { type: 'ResetOrReboot', timestamp: at(5) } });
    expect((await eventRows('CS-EVENTS-RECONNECT')).map((row) => row.payload)).toEqual([
      { type: 'StartupOfTheDevice', timestamp: at(1) },
      { type: 'ResetOrReboot', timestamp: at(5) },
    ]);
  });

  it('logs "session started" and "session ended" once each, also when every message is delivered twice', async () => {
    h.redeliver = true;
    h.logger.entries.length = 0;
    try {
      await ordinarySession201(h, 'CS-LIFECYCLE');
    } finally {
      h.redeliver = false;
    }
    const lines = h.logger.entries.filter((entry) => entry.message === 'session started' || entry.message === 'session ended');
    expect(lines).toEqual([
      { level: 'info', message: 'session started', fields: expect.objectContaining({ stationId: 'CS-LIFECYCLE', sessionId: expect.any(String), transactionId: expect.any(String) }) },
      { level: 'info', message: 'session ended', fields: expect.objectContaining({ stationId: 'CS-LIFECYCLE', energyWh: expect.any(Number), correction: false }) },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/idToken/);
  });
});
