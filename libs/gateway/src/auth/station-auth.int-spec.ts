import { hashPassword } from './password-hash';
import { ENGINES, startTestGateway, type TestGateway } from '../../test/gateway-harness';
import { RawOcppClient, refusal } from '../../test/raw-ocpp-client';
import { createTestPki, type TestPki } from '../../test/test-certificates';

const CHEAP = { N: 1024, r: 8, p: 1 };
const basic = (user: string, password: string): Record<string, string> => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe.each(ENGINES)('station authentication, %s engine for ws://', (engine) => {
  let pki: TestPki;
  let harness: TestGateway;
  const clients: RawOcppClient[] = [];

  beforeAll(() => {
    pki = createTestPki();
  });
  afterAll(() => pki.dispose());
  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await harness.close();
  });

  async function gateway(overrides: Parameters<typeof startTestGateway>[1] = {}): Promise<TestGateway> {
    harness = await startTestGateway(engine, {
      unknownStations: 'reject',
      allowSecurityProfile0: false,
      trustedProxies: ['127.0.0.1'],
      tls: { port: 0, key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert },
      ...overrides,
    });
    harness.credentials.put({ stationId: 'CP-P0', securityProfile: 0 });
    harness.credentials.put({ stationId: 'CP-P1', securityProfile: 1, passwordHash: await hashPassword('s3cret-p1-password', CHEAP) });
    harness.credentials.put({ stationId: 'CP-P2', securityProfile: 2, passwordHash: await hashPassword('s3cret-p2-password', CHEAP) });
    harness.credentials.put({ stationId: 'CP-P3', securityProfile: 3 });
    return harness;
  }

  const plain = (stationId: string, headers: Record<string, string> = {}): Promise<RawOcppClient> =>
    RawOcppClient.connect(harness.url(stationId), { headers }).then((client) => (clients.push(client), client));
  const secure = (stationId: string, options: { headers?: Record<string, string>; cert?: { key: string; cert: string } } = {}): Promise<RawOcppClient> =>
    RawOcppClient.connect(`wss://localhost:${harness.tlsPort}/ocpp/${stationId}`, {
      headers: options.headers ?? {},
      wsOptions: { ca: pki.caCert, ...(options.cert ?? {}) },
    }).then((client) => (clients.push(client), client));

  describe('unknown stations', () => {
    it('are refused with 401 under the production policy', async () => {
      await gateway();
      expect((await refusal(plain('CP-STRANGER'))).status).toBe(401);
    });

    it('are accepted without a password under the embedded policy', async () => {
      await gateway({ unknownStations: 'accept', allowSecurityProfile0: true });
      await plain('CP-STRANGER');
      expect(harness.events.onlines('CP-STRANGER')[0]!.securityProfile).toBe(0);
    });
  });

  describe('profile 0', () => {
    it('is refused unless the gateway allows it', async () => {
      await gateway();
      expect((await refusal(plain('CP-P0'))).status).toBe(401);
    });
    it('is accepted when allowed', async () => {
      await gateway({ allowSecurityProfile0: true });
      await plain('CP-P0');
      expect(harness.events.onlines('CP-P0')).toHaveLength(1);
    });
  });

  describe('profile 1 (Basic over ws)', () => {
    beforeEach(() => gateway());

    it('accepts the right password', async () => {
      await plain('CP-P1', basic('CP-P1', 's3cret-p1-password'));
      expect(harness.events.onlines('CP-P1')[0]!.securityProfile).toBe(1);
    });
    it.each([
      ['no Authorization header', {}],
      ['a wrong password', basic('CP-P1', 'guess')],
      ['another station as username', basic('CP-P2', 's3cret-p1-password')],
      ['a malformed header', { Authorization: 'Basic !!!' }],
      ['a Bearer token', { Authorization: 'Bearer abc' }],
    ])('refuses %s with 401 and a Basic challenge', async (_what, headers) => {
      const refused = await refusal(plain('CP-P1', headers));
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Basic/);
    });
  });

  describe('profile 2 (Basic over TLS)', () => {
    beforeEach(() => gateway());

    it('accepts the right password over wss', async () => {
      await secure('CP-P2', { headers: basic('CP-P2', 's3cret-p2-password') });
      expect(harness.events.onlines('CP-P2')[0]!.securityProfile).toBe(2);
    });
    it('refuses plain ws even with the right password', async () => {
      expect((await refusal(plain('CP-P2', basic('CP-P2', 's3cret-p2-password')))).status).toBe(403);
    });
    it('accepts plain ws from a trusted TLS-terminating proxy that says https', async () => {
      await plain('CP-P2', { ...basic('CP-P2', 's3cret-p2-password'), 'X-Forwarded-Proto': 'https' });
      expect(harness.events.onlines('CP-P2')).toHaveLength(1);
    });
    it('refuses a wrong password over wss', async () => {
      expect((await refusal(secure('CP-P2', { headers: basic('CP-P2', 'nope') }))).status).toBe(401);
    });
  });

  describe('rotation, upgrades and deletion', () => {
    it('accepts the pending password beside the current one, then drops the old one once the new one was used', async () => {
      await gateway();
      const pendingHash = await hashPassword('rotated-p1-password', CHEAP);
      const current = (await harness.credentials.find('CP-P1'))!;
      harness.credentials.put({ ...current, pendingPasswordHash: pendingHash });
      await plain('CP-P1', basic('CP-P1', 's3cret-p1-password'));
      expect((await harness.credentials.find('CP-P1'))!.pendingPasswordHash).toBe(pendingHash);
      await plain('CP-P1', basic('CP-P1', 'rotated-p1-password'));
      expect(await harness.credentials.find('CP-P1')).toMatchObject({ passwordHash: pendingHash });
      expect((await harness.credentials.find('CP-P1'))!.pendingPasswordHash).toBeUndefined();
      expect((await refusal(plain('CP-P1', basic('CP-P1', 's3cret-p1-password')))).status).toBe(401);
    });

    it('keeps accepting the old profile until the station connects with the pending one, never after', async () => {
      await gateway();
      const current = (await harness.credentials.find('CP-P1'))!;
      harness.credentials.put({ ...current, pendingSecurityProfile: 2 });
      await plain('CP-P1', basic('CP-P1', 's3cret-p1-password'));
      expect(harness.events.onlines('CP-P1').at(-1)!.securityProfile).toBe(1);
      await secure('CP-P1', { headers: basic('CP-P1', 's3cret-p1-password') });
      expect(harness.events.onlines('CP-P1').at(-1)!.securityProfile).toBe(2);
      expect(await harness.credentials.find('CP-P1')).toMatchObject({ securityProfile: 2 });
      const downgrade = await refusal(plain('CP-P1', basic('CP-P1', 's3cret-p1-password')));
      expect(downgrade.status).toBe(403);
    });

    it('refuses a deleted station even where unknown stations are accepted', async () => {
      await gateway({ unknownStations: 'accept', allowSecurityProfile0: true });
      harness.credentials.put({ stationId: 'CP-GONE', securityProfile: 0, deleted: true });
      expect((await refusal(plain('CP-GONE'))).status).toBe(401);
    });
  });

  describe('profile 3 (client certificate)', () => {
    beforeEach(() => gateway());

    it('accepts a CA-issued certificate whose CN is the station id', async () => {
      await secure('CP-P3', { cert: pki.client('CP-P3') });
      expect(harness.events.onlines('CP-P3')[0]!.securityProfile).toBe(3);
    });
    it('refuses a certificate issued to another station', async () => {
      expect((await refusal(secure('CP-P3', { cert: pki.client('CP-OTHER') }))).status).toBe(403);
    });
    it('refuses a self-signed certificate', async () => {
      expect((await refusal(secure('CP-P3', { cert: pki.rogueClient('CP-P3') }))).status).toBe(403);
    });
    it('refuses a connection without a certificate', async () => {
      expect((await refusal(secure('CP-P3'))).status).toBe(403);
    });
    it('accepts the CN header from a trusted proxy', async () => {
      await plain('CP-P3', { 'X-Client-Cert-CN': 'CP-P3' });
      expect(harness.events.onlines('CP-P3')).toHaveLength(1);
    });
    it('ignores the CN header from an untrusted address', async () => {
      await harness.close();
      await gateway({ trustedProxies: ['10.0.0.1'] });
      expect((await refusal(plain('CP-P3', { 'X-Client-Cert-CN': 'CP-P3' }))).status).toBe(403);
    });
  });
});
