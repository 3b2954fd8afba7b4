import { envBool, envEnum, envInt, envList, envOptional, envString, type Env } from '@evcsms/config';
import type { OcppVersion, LeniencyProfile } from '@evcsms/ocpp';
import type { AuthorizeAtEdgeOptions } from './edge-authorization/edge-authorizing.handler';

export type UnknownStationPolicy = 'accept' | 'reject';

export interface GatewayOptions {
  readonly host: string;
  readonly port: number;
  /** This pod's name, reported with every connection (the registry routes commands by it). */
  readonly podId: string;
  /** Subprotocols in order of preference; the first one the station also offers wins. */
  readonly protocols: readonly OcppVersion[];
  readonly unknownStations: UnknownStationPolicy;
  /** Lets stations without credentials in with no password (embedded mode only). */
  readonly allowSecurityProfile0: boolean;
  readonly maxPayloadBytes: number;
  readonly maxBackpressureBytes: number;
  readonly maxConnections: number;
  readonly maxUpgradesInFlight: number;
  /** A station may connect this many times per reconnectWindowMs before it is quarantined. */
  readonly reconnectLimit: number;
  readonly reconnectWindowMs: number;
  readonly quarantineMs: number;
  /** Sustained CALLs per second per connection, with a burst allowance. */
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  /** Calls a station has pipelined beyond the one being handled; more are refused. */
  readonly maxInboundQueue: number;
  readonly callTimeoutMs: number;
  readonly maxOutboundQueue: number;
  readonly pingIntervalMs: number;
  readonly idleTimeoutMs: number;
  readonly credentialCacheMs: number;
  readonly drainDeadlineMs: number;
  readonly drainSpreadMs: number;
  /** Security profile 3 behind a TLS-terminating proxy: header carrying the client cert CN. */
  readonly clientCertHeader: string;
  /** Only these peer addresses may set clientCertHeader or X-Forwarded-Proto. */
  readonly trustedProxies: readonly string[];
  readonly leniencyProfiles: readonly LeniencyProfile[];
  /** Authorize during outages: docs/gateway.md. */
  readonly authorizeAtEdge: AuthorizeAtEdgeOptions;
  readonly tls?: { readonly port: number; readonly key: string; readonly cert: string; readonly ca?: string };
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  host: '0.0.0.0',
  port: 9000,
  podId: 'gateway-local',
  protocols: ['ocpp2.0.1', 'ocpp1.6'],
  unknownStations: 'reject',
  allowSecurityProfile0: false,
  maxPayloadBytes: 64 * 1024,
  maxBackpressureBytes: 256 * 1024,
  maxConnections: 19_000,
  maxUpgradesInFlight: 1_000,
  reconnectLimit: 10,
  reconnectWindowMs: 60_000,
  quarantineMs: 120_000,
  messagesPerSecond: 20,
  messageBurst: 100,
  maxInboundQueue: 20,
  callTimeoutMs: 30_000,
  maxOutboundQueue: 50,
  pingIntervalMs: 60_000,
  idleTimeoutMs: 150_000,
  credentialCacheMs: 30_000,
  drainDeadlineMs: 10_000,
  drainSpreadMs: 20_000,
  clientCertHeader: 'x-client-cert-cn',
  trustedProxies: [],
  leniencyProfiles: [],
  authorizeAtEdge: { fallbackPercent: 50, maxAgeMs: 86_400_000, unknownPolicy: 'reject', maxEntries: 100_000 },
};

/** Reads OCPP_* / GATEWAY_* variables; file contents (TLS PEMs, leniency JSON) come in via readFile. */
export function gatewayOptionsFromEnv(env: Env, readFile: (path: string) => string): GatewayOptions {
  const d = DEFAULT_GATEWAY_OPTIONS;
  const protocols = envList(env, 'OCPP_PROTOCOLS', d.protocols).map((protocol) => {
    if (protocol !== 'ocpp1.6' && protocol !== 'ocpp2.0.1') throw new Error(`OCPP_PROTOCOLS: unsupported "${protocol}"`);
    return protocol;
  });
  const tlsPort = envOptional(env, 'OCPP_TLS_PORT');
  const certFile = envOptional(env, 'OCPP_TLS_CERT_FILE');
  const keyFile = envOptional(env, 'OCPP_TLS_KEY_FILE');
  const caFile = envOptional(env, 'OCPP_TLS_CA_FILE');
  const leniencyFile = envOptional(env, 'OCPP_LENIENCY_FILE');
  return {
    host: envString(env, 'OCPP_HOST', d.host),
    port: envInt(env, 'OCPP_PORT', d.port, { min: 0, max: 65535 }),
    podId: envString(env, 'POD_NAME', envString(env, 'HOSTNAME', d.podId)),
    protocols,
    unknownStations: envEnum(env, 'OCPP_UNKNOWN_STATIONS', ['accept', 'reject'] as const, d.unknownStations),
    allowSecurityProfile0: envBool(env, 'OCPP_ALLOW_PROFILE_0', d.allowSecurityProfile0),
    maxPayloadBytes: envInt(env, 'OCPP_MAX_PAYLOAD_BYTES', d.maxPayloadBytes, { min: 1024 }),
    maxBackpressureBytes: envInt(env, 'OCPP_MAX_BACKPRESSURE_BYTES', d.maxBackpressureBytes, { min: 1024 }),
    maxConnections: envInt(env, 'OCPP_MAX_CONNECTIONS', d.maxConnections, { min: 1 }),
    maxUpgradesInFlight: envInt(env, 'OCPP_MAX_UPGRADES_IN_FLIGHT', d.maxUpgradesInFlight, { min: 1 }),
    reconnectLimit: envInt(env, 'OCPP_RECONNECT_LIMIT', d.reconnectLimit, { min: 1 }),
    reconnectWindowMs: envInt(env, 'OCPP_RECONNECT_WINDOW_MS', d.reconnectWindowMs, { min: 1 }),
    quarantineMs: envInt(env, 'OCPP_QUARANTINE_MS', d.quarantineMs, { min: 0 }),
    messagesPerSecond: envInt(env, 'OCPP_MESSAGES_PER_SECOND', d.messagesPerSecond, { min: 1 }),
    messageBurst: envInt(env, 'OCPP_MESSAGE_BURST', d.messageBurst, { min: 1 }),
    maxInboundQueue: envInt(env, 'OCPP_MAX_INBOUND_QUEUE', d.maxInboundQueue, { min: 0 }),
    callTimeoutMs: envInt(env, 'OCPP_CALL_TIMEOUT_MS', d.callTimeoutMs, { min: 1 }),
    maxOutboundQueue: envInt(env, 'OCPP_MAX_OUTBOUND_QUEUE', d.maxOutboundQueue, { min: 0 }),
    pingIntervalMs: envInt(env, 'OCPP_PING_INTERVAL_MS', d.pingIntervalMs, { min: 100 }),
    idleTimeoutMs: envInt(env, 'OCPP_IDLE_TIMEOUT_MS', d.idleTimeoutMs, { min: 100 }),
    credentialCacheMs: envInt(env, 'OCPP_CREDENTIAL_CACHE_MS', d.credentialCacheMs, { min: 0 }),
    drainDeadlineMs: envInt(env, 'OCPP_DRAIN_DEADLINE_MS', d.drainDeadlineMs, { min: 0 }),
    drainSpreadMs: envInt(env, 'OCPP_DRAIN_SPREAD_MS', d.drainSpreadMs, { min: 0 }),
    clientCertHeader: envString(env, 'OCPP_CLIENT_CERT_HEADER', d.clientCertHeader).toLowerCase(),
    trustedProxies: envList(env, 'OCPP_TRUSTED_PROXIES', d.trustedProxies),
    leniencyProfiles: leniencyFile ? (JSON.parse(readFile(leniencyFile)) as LeniencyProfile[]) : d.leniencyProfiles,
    authorizeAtEdge: {
      fallbackPercent: envInt(env, 'AUTH_CACHE_FALLBACK_PERCENT', d.authorizeAtEdge.fallbackPercent, { min: 0, max: 100 }),
      maxAgeMs: envInt(env, 'AUTH_CACHE_MAX_AGE_MS', d.authorizeAtEdge.maxAgeMs, { min: 0 }),
      unknownPolicy: envEnum(env, 'AUTH_CACHE_UNKNOWN_POLICY', ['accept', 'reject'] as const, d.authorizeAtEdge.unknownPolicy),
      maxEntries: envInt(env, 'AUTH_CACHE_MAX_ENTRIES', d.authorizeAtEdge.maxEntries, { min: 1 }),
    },
    ...(tlsPort && certFile && keyFile
      ? {
          tls: {
            port: envInt(env, 'OCPP_TLS_PORT', 9443, { min: 0, max: 65535 }),
            cert: readFile(certFile),
            key: readFile(keyFile),
            ...(caFile ? { ca: readFile(caFile) } : {}),
          },
        }
      : {}),
  };
}
