import { STATUS_CODES } from 'node:http';
import { strictHttpExchange, upgradeRequest, type StrictHttpResponse } from '@evcsms/testing';
import { hashPassword } from './auth/password-hash';
import { ENGINES, startTestGateway, type TestGateway } from '../test/gateway-harness';
import type { GatewayOptions } from './gateway.options';

const basic = (user: string, password: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const OCPP16 = { 'Sec-WebSocket-Protocol': 'ocpp1.6' };

/**
 * Every refusal the gateway produces, read by a strict client: the status line must follow
 * RFC 9112 with the standard reason phrase, or a charger logs a protocol error instead of the
 * 401 a field technician needs to see.
 */
describe.each(ENGINES)('upgrade refusals read by a strict HTTP client, %s engine', (engine) => {
  let harness: TestGateway | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function gateway(overrides: Partial<GatewayOptions> = {}): Promise<TestGateway> {
    harness = await startTestGateway(engine, { unknownStations: 'reject', allowSecurityProfile0: false, ...overrides });
    harness.credentials.put({ stationId: 'CP-P1', securityProfile: 1, passwordHash: await hashPassword('right-password-1', { N: 1024, r: 8, p: 1 }) });
    harness.credentials.put({ stationId: 'CP-P2', securityProfile: 2, passwordHash: await hashPassword('right-password-2', { N: 1024, r: 8, p: 1 }) });
    return harness;
  }

  function expectStandardStatusLine(response: StrictHttpResponse, status: number): void {
    expect(response.statusLine).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
  }

  it('400 Bad Request: a path outside /ocpp/', async () => {
    const { port } = await gateway();
    const response = await strictHttpExchange(port, upgradeRequest('/other/CP-P1', OCPP16));
    expectStandardStatusLine(response, 400);
  });

  it('400 Bad Request: no supported subprotocol, the body says which are', async () => {
    const { port } = await gateway();
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP-P1', { 'Sec-WebSocket-Protocol': 'ocpp1.5' }));
    expectStandardStatusLine(response, 400);
    expect(response.body).toContain('ocpp1.6');
  });

  it('401 Unauthorized with the Basic challenge: a wrong password', async () => {
    const { port } = await gateway();
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP-P1', { ...OCPP16, ...basic('CP-P1', 'wrong-password') }));
    expectStandardStatusLine(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm="OCPP"/);
  });

  it('401 Unauthorized: an unknown station under the production policy', async () => {
    const { port } = await gateway();
    expectStandardStatusLine(await strictHttpExchange(port, upgradeRequest('/ocpp/CP-STRANGER', OCPP16)), 401);
  });

  it('403 Forbidden: security profile 2 over plain ws://', async () => {
    const { port } = await gateway();
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP-P2', { ...OCPP16, ...basic('CP-P2', 'right-password-2') }));
    expectStandardStatusLine(response, 403);
  });

  it('429 Too Many Requests with Retry-After: a quarantined station', async () => {
    const { port } = await gateway({ reconnectLimit: 1, reconnectWindowMs: 60_000, quarantineMs: 30_000 });
    await strictHttpExchange(port, upgradeRequest('/ocpp/CP-STRANGER', OCPP16));
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP-STRANGER', OCPP16));
    expectStandardStatusLine(response, 429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });

  it.each([
    ['at the connection cap', { maxConnections: 0 }],
    ['with too many upgrades in flight', { maxUpgradesInFlight: 0 }],
  ])('503 Service Unavailable with Retry-After: %s', async (_when, overrides) => {
    const { port } = await gateway(overrides);
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP-P1', { ...OCPP16, ...basic('CP-P1', 'right-password-1') }));
    expectStandardStatusLine(response, 503);
    expect(response.headers['retry-after']).toBeDefined();
  });

  it('503 Service Unavailable: the credential store is down', async () => {
    const { port, credentials } = await gateway();
    credentials.find = () => Promise.reject(new Error('database unavailable'));
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP-P1', { ...OCPP16, ...basic('CP-P1', 'right-password-1') }));
    expectStandardStatusLine(response, 503);
  });

  it('426 Upgrade Required: a plain GET', async () => {
    const { port } = await gateway();
    const response = await strictHttpExchange(port, 'GET /ocpp/CP-P1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expectStandardStatusLine(response, 426);
  });
});
