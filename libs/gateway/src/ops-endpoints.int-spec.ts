import { silentLogger } from '@evcsms/logging';
import { createMetricsRegistry, startOpsHttpServer, type MetricsRegistry, type OpsHttpServer } from '@evcsms/metrics';
import { NodeWsEngine, selectEngine } from '@evcsms/ws-engine';
import { InMemoryCredentialStore } from './auth/credential-cache';
import { DEFAULT_GATEWAY_OPTIONS } from './gateway.options';
import { NO_EVENTS } from './gateway.ports';
import { OcppGateway } from './ocpp-gateway';
import { cannedReply, ENGINES } from '../test/gateway-harness';
import { metricValue } from '../test/prometheus-text';
import { RawOcppClient } from '../test/raw-ocpp-client';

/**
 * The ops endpoints over real HTTP, wired the way the gateway app wires them: the gateway's
 * metrics registry (with process metrics) and its readiness.
 */

interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

describe.each(ENGINES)('ops endpoints for a gateway on the %s engine', (engine) => {
  let metrics: MetricsRegistry;
  let gateway: OcppGateway;
  let gatewayPort: number;
  let ops: OpsHttpServer;
  const clients: RawOcppClient[] = [];

  async function get(path: string): Promise<HttpAnswer> {
    const response = await fetch(`http://127.0.0.1:${ops.port}${path}`);
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
  }

  async function connect(stationId: string, protocol: string): Promise<RawOcppClient> {
    const client = await RawOcppClient.connect(`ws://127.0.0.1:${gatewayPort}/ocpp/${stationId}`, { protocols: [protocol] });
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    metrics = createMetricsRegistry({ processMetrics: true });
    gateway = new OcppGateway(
      {
        ...DEFAULT_GATEWAY_OPTIONS,
        host: '127.0.0.1',
        port: 0,
        unknownStations: 'accept',
        allowSecurityProfile0: true,
        credentialCacheMs: 0,
        drainDeadlineMs: 2_000,
        drainSpreadMs: 0,
      },
      {
        engine: selectEngine(engine).engine,
        tlsEngine: new NodeWsEngine(),
        handler: { handle: (call) => Promise.resolve(cannedReply(call)) },
        events: NO_EVENTS,
        credentials: new InMemoryCredentialStore(),
        metrics,
        logger: silentLogger,
      },
    );
    gatewayPort = (await gateway.start()).port;
    ops = await startOpsHttpServer({ host: '127.0.0.1', port: 0, metrics, readiness: () => gateway.readiness() });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await ops?.close();
    await gateway?.close();
  });

  it('/healthz answers 200', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, contentType: 'application/json', body: '{"status":"ok"}' });
    expect((await get('/healthz?probe=kubelet')).status).toBe(200);
  });

  it('/readyz answers 200 while serving and 503 from the moment a drain starts, saying it is draining', async () => {
    const station = await connect('CP-READY', 'ocpp1.6');
    const ready = await get('/readyz');
    expect(ready).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { draining: false, connections: `1/${DEFAULT_GATEWAY_OPTIONS.maxConnections}` } });

    const draining = gateway.drain();
    const during = await get('/readyz');
    expect(during.status).toBe(503);
    expect(JSON.parse(during.body)).toEqual({ status: 'not-ready', checks: expect.objectContaining({ draining: true }) });

    await draining;
    await expect(station.closed).resolves.toMatchObject({ code: 1012 });
    const after = await get('/readyz');
    expect(after.status).toBe(503);
    expect(JSON.parse(after.body)).toEqual({ status: 'not-ready', checks: { draining: true, connections: `0/${DEFAULT_GATEWAY_OPTIONS.maxConnections}` } });
  });

  it('/readyz answers 503 when a dependency the app reports is down, naming it', async () => {
    gateway.setDependencyCheck(() => ({ bus: 'broker unreachable' }));
    const answer = await get('/readyz');
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ status: 'not-ready', checks: expect.objectContaining({ draining: false, bus: 'broker unreachable' }) });
    gateway.setDependencyCheck(() => ({ bus: true }));
    expect((await get('/readyz')).status).toBe(200);
  });

  it('/metrics shows connections, upgrades and messages in Prometheus text format, with process metrics', async () => {
    const station = await connect('CP-METRICS', 'ocpp1.6');
    expect(await station.call('hb1', 'Heartbeat', {})).toEqual([3, 'hb1', { currentTime: expect.any(String) }]);

    const answer = await get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = answer.body.split('\n');
    expect(lines).toContain('# TYPE ocpp_gateway_connections gauge');
    expect(lines).toContain('ocpp_gateway_connections{protocol="ocpp1.6"} 1');
    expect(lines).toContain('ocpp_gateway_connections{protocol="ocpp2.0.1"} 0');
    expect(lines).toContain('# TYPE ocpp_gateway_upgrades_total counter');
    expect(lines).toContain('ocpp_gateway_upgrades_total{outcome="accepted"} 1');
    expect(lines).toContain('ocpp_gateway_messages_total{action="Heartbeat",direction="in",type="call",outcome="accepted"} 1');
    expect(lines).toContain('ocpp_gateway_messages_total{action="Heartbeat",direction="out",type="result",outcome="sent"} 1');
    expect(lines).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(lines.some((line) => /^nodejs_eventloop_lag_seconds \d+(\.\d+)?(e[-+]\d+)?$/.test(line))).toBe(true);
    expect(metricValue(answer.body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Every non-comment line is a sample: nothing else sneaks into the exposition.
    for (const line of lines.filter((text) => text !== '' && !text.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+$/);
    }

    station.close();
    await station.closed;
    await station.until(() => gateway.connectionCount === 0, 2_000, 'the gateway to see the close');
    const later = await get('/metrics');
    expect(later.body.split('\n')).toContain('ocpp_gateway_connections{protocol="ocpp1.6"} 0');
    expect(metricValue(later.body, 'ocpp_gateway_disconnects_total', { reason: 'closed-by-station' })).toBe(1);
  });

  it('counts a 2.0.1 station under its own protocol and a refused upgrade under its outcome', async () => {
    await connect('CP-201', 'ocpp2.0.1');
    await expect(connect('CP-OLD', 'ocpp1.5')).rejects.toMatchObject({ status: 400 });
    const body = (await get('/metrics')).body;
    expect(metricValue(body, 'ocpp_gateway_connections', { protocol: 'ocpp2.0.1' })).toBe(1);
    expect(metricValue(body, 'ocpp_gateway_connections', { protocol: 'ocpp1.6' })).toBe(0);
    expect(metricValue(body, 'ocpp_gateway_upgrades_total', { outcome: 'accepted' })).toBe(1);
    expect(metricValue(body, 'ocpp_gateway_upgrades_total', { outcome: 'no-subprotocol' })).toBe(1);
  });

  it('answers an unknown path with a 404 problem+json', async () => {
    for (const path of ['/nope', '/metrics/extra', '/']) {
      const answer = await get(path);
      expect({ path, status: answer.status, contentType: answer.contentType }).toEqual({ path, status: 404, contentType: 'application/problem+json' });
      expect(JSON.parse(answer.body)).toEqual({ title: 'Not Found', status: 404 });
    }
  });
});
