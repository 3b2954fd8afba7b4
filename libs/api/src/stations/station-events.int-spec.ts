import type { ConsumedMessage } from '@evcsms/bus';
import { TOPICS } from '@evcsms/contracts';
import { StationEventEntity } from '@evcsms/data-access';
import { waitFor, type RawOcppClient } from '@evcsms/testing';
import { InProcessPlatform } from '../../test/in-process-platform';

/**
 * The station event log: real WebSocket stations report security events, firmware status and
 * 2.0.1 notifications, the sessions service stores them, the API lists them. A redelivered
 * envelope (bus at-least-once) adds no row.
 */
describe('station event log: GET /stations/{id}/events', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;
  const consumed: ConsumedMessage[] = [];

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: true, withBilling: false });
    // A group of its own sees every station call as the sessions service got it: the envelopes to redeliver.
    await platform.bus.subscribe({ groupId: 'test-tap', topics: [TOPICS.stationCalls] }, async (batch) => {
      consumed.push(...batch);
    });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const events = async (stationId: string, query = '') => platform.call('GET', `/api/v1/stations/${stationId}/events${query}`);
  const rowsOf = (stationId: string) => platform.dataSource.getRepository(StationEventEntity).countBy({ stationId });
  const at = (seconds: number) => new Date(Date.UTC(2026, 11, 4, 10, 0, seconds)).toISOString();

  const boot16 = (stationId: string): Promise<RawOcppClient> => platform.bootStation(stationId, 'ocpp1.6');
  const boot201 = (stationId: string): Promise<RawOcppClient> => platform.bootStation(stationId, 'ocpp2.0.1');

  it('stores 1.6 SecurityEventNotification and FirmwareStatusNotification, answered {}, and lists them newest first', async () => {
    const cp = await boot16('CP-EVENTS-16');
    const security = { type: 'InvalidCentralSystemCertificate', timestamp: at(1), techInfo: 'cert expired' };
    expect(await cp.call('s1', 'SecurityEventNotification', security)).toEqual([3, 's1', {}]);
    expect(await cp.call('f1', 'FirmwareStatusNotification', { status: 'Downloading' })).toEqual([3, 'f1', {}]);

    const response = await events('CP-EVENTS-16');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      items: [
        { action: 'FirmwareStatusNotification', protocol: 'ocpp1.6', payload: { status: 'Downloading' }, receivedAt: expect.any(String) },
        { action: 'SecurityEventNotification', protocol: 'ocpp1.6', payload: security, receivedAt: expect.any(String) },
      ],
      nextCursor: null,
    });
    expect(Date.parse(response.body.items[0].receivedAt)).toBeGreaterThanOrEqual(Date.parse(response.body.items[1].receivedAt));
  });

  it('stores 2.0.1 SecurityEventNotification, NotifyEvent and FirmwareStatusNotification with their payloads as sent', async () => {
    const cs = await boot201('CS-EVENTS-201');
    const security = { type: 'TamperDetectionActivated', timestamp: at(2) };
    const notifyEvent = {
      generatedAt: at(3),
      seqNo: 0,
      tbc: false,
      eventData: [
        {
          eventId: 7,
          timestamp: at(3),
          trigger: 'Delta',
          actualValue: 'true',
          eventNotificationType: 'HardWiredNotification',
          component: { name: 'Door' },
          variable: { name: 'Problem' },
        },
      ],
    };
    const firmware = { status: 'Installed', requestId: 42 };
    expect(await cs.call('s2', 'SecurityEventNotification', security)).toEqual([3, 's2', {}]);
    expect(await cs.call('n2', 'NotifyEvent', notifyEvent)).toEqual([3, 'n2', {}]);
    expect(await cs.call('f2', 'FirmwareStatusNotification', firmware)).toEqual([3, 'f2', {}]);

    const { body } = await events('CS-EVENTS-201');
    expect(body.items.map((item: { action: string }) => item.action)).toEqual(['FirmwareStatusNotification', 'NotifyEvent', 'SecurityEventNotification']);
    expect(body.items.map((item: { payload: unknown }) => item.payload)).toEqual([firmware, notifyEvent, security]);
    expect(body.items.every((item: { protocol: string }) => item.protocol === 'ocpp2.0.1')).toBe(true);
  });

  it('keeps what a request for a missing service carried and answers it with the spec status, not a CALLERROR', async () => {
    const cp = await boot16('CP-CSR-16');
    expect(await cp.call('c1', 'SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----MIIB' })).toEqual([3, 'c1', { status: 'Rejected' }]);
    const cs = await boot201('CS-NEEDS-201');
    const needs = { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 800 } } };
    expect(await cs.call('e1', 'NotifyEVChargingNeeds', needs)).toEqual([3, 'e1', { status: 'Rejected' }]);

    expect((await events('CP-CSR-16')).body.items).toEqual([expect.objectContaining({ action: 'SignCertificate', payload: { csr: '-----BEGIN CERTIFICATE REQUEST-----MIIB' } })]);
    expect((await events('CS-NEEDS-201')).body.items).toEqual([expect.objectContaining({ action: 'NotifyEVChargingNeeds', payload: needs })]);
  });

  it('adds no row when the bus delivers the same envelope again, alone or twice in one batch', async () => {
    const cs = await boot201('CS-REDELIVERY');
    await cs.call('r1', 'SecurityEventNotification', { type: 'SettingSystemTime', timestamp: at(4) });
    expect(await rowsOf('CS-REDELIVERY')).toBe(1);
    const envelope = (await waitFor(() => consumed.find((message) => message.key === 'CS-REDELIVERY' && message.value.includes('"messageId":"r1"')), {
      description: 'the tap saw the envelope',
      timeoutMs: 5_000,
    }))!;

    await platform.bus.publish(TOPICS.stationCalls, [
      { key: envelope.key, value: envelope.value },
      { key: envelope.key, value: envelope.value },
    ]);
    // The station's next message shares the partition: once it is stored, the redeliveries were processed.
    await cs.call('r2', 'SecurityEventNotification', { type: 'MemoryExhaustion', timestamp: at(5) });
    expect(await rowsOf('CS-REDELIVERY')).toBe(2);
    expect((await events('CS-REDELIVERY')).body.items.map((item: { payload: { type: string } }) => item.payload.type)).toEqual(['MemoryExhaustion', 'SettingSystemTime']);
  });

  it('filters by action and period, pages with a cursor, and answers problems for bad input and unknown stations', async () => {
    const cs = await boot201('CS-PAGES');
    for (let i = 0; i < 5; i += 1) {
      await cs.call(`p${i}`, i % 2 === 0 ? 'SecurityEventNotification' : 'LogStatusNotification', i % 2 === 0 ? { type: 'ResetOrReboot', timestamp: at(10 + i) } : { status: 'Uploading', requestId: i });
    }
    const all = (await events('CS-PAGES')).body.items as Array<{ action: string; receivedAt: string }>;
    expect(all).toHaveLength(5);

    const first = await events('CS-PAGES', '?limit=2');
    expect(first.body.items).toEqual(all.slice(0, 2));
    const second = await events('CS-PAGES', `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toEqual(all.slice(2, 4));
    const third = await events('CS-PAGES', `?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: all.slice(4), nextCursor: null });

    const logs = await events('CS-PAGES', '?action=LogStatusNotification');
    expect(logs.body.items.map((item: { action: string }) => item.action)).toEqual(['LogStatusNotification', 'LogStatusNotification']);
    const oldest = all[4]!.receivedAt;
    const newest = all[0]!.receivedAt;
    expect((await events('CS-PAGES', `?from=${encodeURIComponent(newest)}`)).body.items[0]).toEqual(all[0]);
    expect((await events('CS-PAGES', `?to=${encodeURIComponent(oldest)}`)).body.items).toEqual(all.filter((item) => item.receivedAt < oldest));
    expect((await events('CS-PAGES', `?from=${encodeURIComponent(oldest)}&to=${encodeURIComponent(new Date(Date.parse(newest) + 1).toISOString())}`)).body.items).toEqual(all);

    for (const query of ['?from=yesterday', '?limit=0', '?cursor=nonsense', '?action=Notify%20Event', `?from=${encodeURIComponent(newest)}&to=${encodeURIComponent(oldest)}`]) {
      const refused = await events('CS-PAGES', query);
      expect([query, refused.status, refused.type]).toEqual([query, 400, expect.stringContaining('application/problem+json')]);
    }
    const unknown = await events('NO-SUCH-STATION');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, detail: 'station NO-SUCH-STATION does not exist' });
  });

  it('needs an API key', async () => {
    expect((await platform.call('GET', '/api/v1/stations/CS-PAGES/events', { key: null })).status).toBe(401);
  });
});
