import type { EdgeAuthorization } from '@evcsms/contracts';
import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry, type MetricsRegistry } from '@evcsms/metrics';
import { ENGINES, startTestGateway, type TestGateway } from '../../test/gateway-harness';
import { RawOcppClient } from '../../test/raw-ocpp-client';
import type { InboundCall, InboundCallOutcome } from '../gateway.ports';
import { EdgeAuthorizingHandler, type AuthorizeAtEdgeOptions } from './edge-authorizing.handler';

const BUDGET_MS = 1_000;
const UNAVAILABLE: InboundCallOutcome = { error: { kind: 'InternalError', description: 'The CSMS could not make this message durable in time; please retry' } };
const answer16 = (status: string): InboundCallOutcome => ({ result: { idTagInfo: { status } } });

/**
 * A real gateway and real WebSocket stations; the owning service is a script: it answers at
 * once, late, never, or with the bus's InternalError.
 */
describe.each(ENGINES)('Authorize answered at the edge, %s engine', (engine) => {
  let harness: TestGateway;
  let metrics: MetricsRegistry;
  let recorded: Array<{ call: InboundCall; decision: EdgeAuthorization }>;
  let service: (call: InboundCall) => Promise<InboundCallOutcome>;
  const clients: RawOcppClient[] = [];

  async function start(options: Partial<AuthorizeAtEdgeOptions> = {}): Promise<void> {
    metrics = createMetricsRegistry({ processMetrics: false });
    recorded = [];
    const edge = new EdgeAuthorizingHandler(
      { handle: (call) => service(call) },
      { fallbackPercent: 50, maxAgeMs: 60_000, unknownPolicy: 'reject', maxEntries: 1_000, ...options, replyBudgetMs: BUDGET_MS },
      { record: (call, decision) => recorded.push({ call, decision }) },
      metrics,
      silentLogger,
    );
    harness = await startTestGateway(engine, {}, (call) => edge.handle(call));
  }

  async function station(id: string, protocol = 'ocpp1.6'): Promise<RawOcppClient> {
    const client = await RawOcppClient.connect(harness.url(id), { protocols: [protocol] });
    clients.push(client);
    return client;
  }

  async function edgeCount(labels: string): Promise<number> {
    const line = (await metrics.render()).split('\n').find((row) => row.startsWith(`ocpp_gateway_edge_authorizations_total{${labels}}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await harness.close();
  });

  it('answers from the status the service gave before, within half the budget, counts and records it', async () => {
    await start();
    const cp = await station('CP-EDGE-1');
    service = async () => answer16('Accepted');
    expect(await cp.call('a1', 'Authorize', { idTag: 'CARD-1' })).toEqual([3, 'a1', { idTagInfo: { status: 'Accepted' } }]);

    service = () => new Promise(() => undefined); // the sessions service is down
    const started = Date.now();
    expect(await cp.call('a2', 'Authorize', { idTag: 'card-1' }, 3_000)).toEqual([3, 'a2', { idTagInfo: { status: 'Accepted' } }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(BUDGET_MS / 2 - 20);
    expect(Date.now() - started).toBeLessThan(BUDGET_MS);
    expect(await edgeCount('outcome="accepted",reason="cached-accepted",trigger="timeout"')).toBe(1);
    expect(recorded).toEqual([
      {
        call: expect.objectContaining({ stationId: 'CP-EDGE-1', messageId: 'a2', action: 'Authorize' }),
        decision: expect.objectContaining({ status: 'Accepted', source: 'cached', reason: 'timeout', learnedAt: expect.any(String) }),
      },
    ]);
  });

  it('sends one answer only: a reply arriving after the edge answered is not sent, but teaches the cache', async () => {
    await start();
    const cp = await station('CP-EDGE-2');
    service = async () => answer16('Accepted');
    await cp.call('b1', 'Authorize', { idTag: 'CARD-2' });

    let reply: (outcome: InboundCallOutcome) => void = () => undefined;
    service = () => new Promise((resolve) => (reply = resolve));
    expect(await cp.call('b2', 'Authorize', { idTag: 'CARD-2' })).toEqual([3, 'b2', { idTagInfo: { status: 'Accepted' } }]);
    reply(answer16('Blocked')); // the service, late, with the token blocked since
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cp.received.filter((frame) => Array.isArray(frame) && frame[1] === 'b2')).toHaveLength(1);

    service = () => new Promise(() => undefined);
    expect(await cp.call('b3', 'Authorize', { idTag: 'CARD-2' })).toEqual([3, 'b3', { idTagInfo: { status: 'Blocked' } }]);
    expect(await edgeCount('outcome="rejected",reason="cached-refusal",trigger="timeout"')).toBe(1);
  });

  it('answers at once when the bus refuses the message, and applies the unknown-token policy (Invalid) to a token never seen', async () => {
    await start();
    const cp = await station('CP-EDGE-3');
    service = async () => UNAVAILABLE;
    const started = Date.now();
    expect(await cp.call('c1', 'Authorize', { idTag: 'NEVER-SEEN' })).toEqual([3, 'c1', { idTagInfo: { status: 'Invalid' } }]);
    expect(Date.now() - started).toBeLessThan(BUDGET_MS / 2);
    expect(await edgeCount('outcome="rejected",reason="unknown",trigger="unavailable"')).toBe(1);
    expect(recorded[0]!.decision).toMatchObject({ status: 'Invalid', source: 'policy', reason: 'unavailable' });
  });

  it('accepts unknown tokens when the operator prefers free charging to refusals', async () => {
    await start({ unknownPolicy: 'accept' });
    const cp = await station('CP-EDGE-4', 'ocpp2.0.1');
    service = async () => UNAVAILABLE;
    expect(await cp.call('d1', 'Authorize', { idToken: { idToken: 'NEVER-SEEN', type: 'ISO14443' } })).toEqual([
      3,
      'd1',
      { idTokenInfo: { status: 'Accepted' } },
    ]);
    expect(await edgeCount('outcome="accepted",reason="unknown",trigger="unavailable"')).toBe(1);
  });

  it('accepts from the cache no longer than the age limit: after it, a token blocked since is refused', async () => {
    await start({ maxAgeMs: 300 });
    const cp = await station('CP-EDGE-5', 'ocpp2.0.1');
    const token = { idToken: 'CARD-5', type: 'ISO14443' };
    service = async () => ({ result: { idTokenInfo: { status: 'Accepted' } } });
    await cp.call('e1', 'Authorize', { idToken: token });
    service = async () => UNAVAILABLE;
    expect(await cp.call('e2', 'Authorize', { idToken: token })).toEqual([3, 'e2', { idTokenInfo: { status: 'Accepted' } }]);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await cp.call('e3', 'Authorize', { idToken: token })).toEqual([3, 'e3', { idTokenInfo: { status: 'Invalid' } }]);
    expect(await edgeCount('outcome="rejected",reason="stale",trigger="unavailable"')).toBe(1);
  });

  it('passes the service answer through when it comes in time, and never answers other actions at the edge', async () => {
    await start();
    const cp = await station('CP-EDGE-6');
    service = async () => answer16('Blocked');
    expect(await cp.call('f1', 'Authorize', { idTag: 'CARD-6' })).toEqual([3, 'f1', { idTagInfo: { status: 'Blocked' } }]);
    service = async () => UNAVAILABLE;
    const start16 = { connectorId: 1, idTag: 'CARD-6', meterStart: 0, timestamp: new Date().toISOString() };
    expect(await cp.call('f2', 'StartTransaction', start16)).toEqual([4, 'f2', 'InternalError', expect.any(String), {}]);
    expect(recorded).toEqual([]);
    expect(await edgeCount('outcome="accepted",reason="cached-accepted",trigger="timeout"')).toBe(0);
  });
});
