import { createLogger } from '@evcsms/logging';
import { createMetricsRegistry, type MetricsRegistry } from '@evcsms/metrics';
import { NodeWsEngine, selectEngine, type EngineName } from '@evcsms/ws-engine';
import { InMemoryCredentialStore } from '../src/auth/credential-cache';
import { DEFAULT_GATEWAY_OPTIONS, type GatewayOptions } from '../src/gateway.options';
import type { InboundCall, InboundCallOutcome, StationCallHandler, StationEventsListener, StationOffline, StationOnline } from '../src/gateway.ports';
import { OcppGateway } from '../src/ocpp-gateway';

/** Station-side replies a minimal CSMS would give, valid against both versions' schemas. */
export function cannedReply(call: InboundCall): InboundCallOutcome {
  const now = new Date().toISOString();
  const v16 = call.protocol === 'ocpp1.6';
  switch (call.action) {
    case 'BootNotification':
      return { result: { status: 'Accepted', currentTime: now, interval: 300 } };
    case 'Authorize':
      return { result: v16 ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } } };
    case 'StartTransaction':
      return { result: { transactionId: 1, idTagInfo: { status: 'Accepted' } } };
    default:
      return { result: {} };
  }
}

export class RecordingEvents implements StationEventsListener {
  readonly log: Array<{ type: 'online'; event: StationOnline } | { type: 'offline'; event: StationOffline } | { type: 'activity'; stationId: string }> = [];
  online(event: StationOnline): void {
    this.log.push({ type: 'online', event });
  }
  offline(event: StationOffline): void {
    this.log.push({ type: 'offline', event });
  }
  activity(event: { stationId: string }): void {
    this.log.push({ type: 'activity', stationId: event.stationId });
  }
  offlines(stationId?: string): StationOffline[] {
    return this.log.flatMap((entry) => (entry.type === 'offline' && (!stationId || entry.event.stationId === stationId) ? [entry.event] : []));
  }
  onlines(stationId?: string): StationOnline[] {
    return this.log.flatMap((entry) => (entry.type === 'online' && (!stationId || entry.event.stationId === stationId) ? [entry.event] : []));
  }
}

export interface TestGateway {
  readonly gateway: OcppGateway;
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly url: (stationId: string) => string;
  readonly credentials: InMemoryCredentialStore;
  readonly events: RecordingEvents;
  readonly metrics: MetricsRegistry;
  readonly calls: InboundCall[];
  /** Every line the gateway logged (info and above), parsed. */
  readonly logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startTestGateway(
  engine: EngineName,
  overrides: Partial<GatewayOptions> = {},
  handle: (call: InboundCall) => Promise<InboundCallOutcome> | InboundCallOutcome = cannedReply,
): Promise<TestGateway> {
  const credentials = new InMemoryCredentialStore();
  const events = new RecordingEvents();
  const metrics = createMetricsRegistry({ processMetrics: false });
  const calls: InboundCall[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const handler: StationCallHandler = {
    handle: async (call) => {
      calls.push(call);
      return handle(call);
    },
  };
  const options: GatewayOptions = {
    ...DEFAULT_GATEWAY_OPTIONS,
    host: '127.0.0.1',
    port: 0,
    unknownStations: 'accept',
    allowSecurityProfile0: true,
    credentialCacheMs: 0,
    ...overrides,
  };
  const gateway = new OcppGateway(options, {
    engine: selectEngine(engine).engine,
    tlsEngine: new NodeWsEngine(),
    handler,
    events,
    credentials,
    metrics,
    logger: createLogger({ sink: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) }),
  });
  const { port, tlsPort } = await gateway.start();
  return {
    gateway,
    port,
    tlsPort,
    url: (stationId) => `ws://127.0.0.1:${port}/ocpp/${stationId}`,
    credentials,
    events,
    metrics,
    calls,
    logs,
    close: () => gateway.close(),
  };
}

export const ENGINES: EngineName[] = ['uws', 'ws'];
