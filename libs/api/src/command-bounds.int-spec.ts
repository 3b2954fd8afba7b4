import { InProcessPlatform } from '../test/in-process-platform';

const CALL_TIMEOUT_MS = 2_000;

/**
 * What a station command may ask for: a timeout the gateway can honour (its call timeout, here
 * 2 s), a bounded queueing TTL, and only triggers whose resulting message the CSMS answers. A
 * station that does not answer holds its one outbound slot no longer than that timeout.
 */
describe('station command bounds, with a real WebSocket station', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false, callTimeoutMs: CALL_TIMEOUT_MS });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const command = (stationId: string, name: string, query = '', body: unknown = {}) => platform.call('POST', `/api/v1/stations/${stationId}/commands/${name}${query}`, { body });
  const callsReceived = (client: { received: unknown[] }) => client.received.filter((frame) => Array.isArray(frame) && frame[0] === 2).map((frame) => (frame as unknown[])[2]);

  it.each([
    ['timeoutSeconds above the gateway call timeout', '?timeoutSeconds=3', 'timeoutSeconds must be a whole number of seconds from 1 to 2 (the gateway call timeout, OCPP_CALL_TIMEOUT_MS)'],
    ['thirty days of timeoutSeconds (accepted before)', '?timeoutSeconds=2592000', 'from 1 to 2'],
    ['a fractional timeoutSeconds', '?timeoutSeconds=1.5', 'from 1 to 2'],
    ['a zero timeoutSeconds', '?timeoutSeconds=0', 'from 1 to 2'],
    ['an exponent', '?timeoutSeconds=1e0', 'from 1 to 2'],
    ['ttlSeconds beyond 30 days', '?queueIfOffline=true&ttlSeconds=2592001', 'ttlSeconds must be a whole number of seconds from 1 to 2592000'],
  ])('refuses %s with 400', async (_what, query, detail) => {
    await platform.connectStation('CP-BOUNDS', 'ocpp1.6');
    const response = await command('CP-BOUNDS', 'clear-cache', query);
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain(detail);
  });

  it('a station that does not answer a command with the longest timeout makes a second one wait no longer than that', async () => {
    const cp = await platform.connectStation('CP-SILENT', 'ocpp1.6');
    const started = Date.now();
    const first = command('CP-SILENT', 'reset', `?timeoutSeconds=${CALL_TIMEOUT_MS / 1000}`, { type: 'Soft' });
    await cp.expectCall('Reset');
    const second = command('CP-SILENT', 'clear-cache', `?timeoutSeconds=${CALL_TIMEOUT_MS / 1000}`);
    const [firstAnswer, secondAnswer] = await Promise.all([first, second]);
    const elapsed = Date.now() - started;
    expect(firstAnswer.status).toBe(504);
    expect(secondAnswer.status).toBe(504);
    expect(secondAnswer.body.detail).toContain('not sent');
    expect(elapsed).toBeLessThan(CALL_TIMEOUT_MS + 500);
    // Timed out in the queue, so never sent: the station saw only the first command.
    expect(callsReceived(cp)).toEqual(['Reset']);

    // The slot is free again: the next command goes out at once and is answered.
    const third = command('CP-SILENT', 'clear-cache');
    const [, messageId] = await cp.expectCall('ClearCache');
    cp.sendFrame([3, messageId, { status: 'Accepted' }]);
    expect((await third).status).toBe(200);
  });

  it('sends a queued command once the slot frees up while it still has time, and it is answered', async () => {
    const cp = await platform.connectStation('CP-SLOT', 'ocpp1.6');
    const started = Date.now();
    const first = command('CP-SLOT', 'reset', '?timeoutSeconds=1', { type: 'Soft' });
    await cp.expectCall('Reset');
    const second = command('CP-SLOT', 'clear-cache', '?timeoutSeconds=2');
    expect((await first).status).toBe(504);
    const [, messageId] = await cp.expectCall('ClearCache');
    cp.sendFrame([3, messageId, { status: 'Accepted' }]);
    expect((await second).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_800);
  });

  it.each(['SignChargingStationCertificate', 'SignV2GCertificate', 'SignCombinedCertificate'])(
    'refuses TriggerMessage %s up front: the CSMS would refuse the SignCertificate it causes',
    async (message) => {
      const cs = await platform.connectStation('CS-TRIGGER', 'ocpp2.0.1');
      const response = await command('CS-TRIGGER', 'trigger-message', '', { message });
      expect(response.status).toBe(400);
      expect(response.type).toContain('application/problem+json');
      expect(response.body.detail).toBe(`${message} would make the station send SignCertificate, which this CSMS refuses (it has no certificate authority)`);
      expect(response.body.errors).toEqual([{ path: 'body.message', message: 'SignCertificate is refused by this CSMS' }]);
      expect(callsReceived(cs)).toEqual([]);
    },
  );

  it('still sends a TriggerMessage the CSMS can answer', async () => {
    const cs = await platform.connectStation('CS-TRIGGER-OK', 'ocpp2.0.1');
    const pending = command('CS-TRIGGER-OK', 'trigger-message', '', { message: 'StatusNotification', evseId: 1, connectorId: 1 });
    const [, messageId, , payload] = await cs.expectCall('TriggerMessage');
    expect(payload).toEqual({ requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
    cs.sendFrame([3, messageId, { status: 'Accepted' }]);
    expect((await pending).status).toBe(200);
  });
});
