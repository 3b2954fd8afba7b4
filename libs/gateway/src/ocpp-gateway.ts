import { randomBytes } from 'node:crypto';
import { findLeniencyProfile, getValidator, type OcppVersion } from '@evcsms/ocpp';
import type { Logger } from '@evcsms/logging';
import type { MetricsRegistry, ReadinessReport } from '@evcsms/metrics';
import type {
  EngineConnection,
  EngineHandlers,
  ListeningEngine,
  UpgradeDecision,
  UpgradeRequest,
  WebSocketEngine,
} from '@evcsms/ws-engine';
import { FlapGuard } from './admission/flap-guard';
import { CachedCredentialStore } from './auth/credential-cache';
import { StationAuthenticator } from './auth/station-authenticator';
import type { OutboundCallResult } from './connection/outbound-calls';
import { StationConnection, type ConnectionIdentity, type ConnectionServices } from './connection/station-connection';
import { createGatewayMetrics, type GatewayMetrics } from './gateway.metrics';
import type { GatewayOptions } from './gateway.options';
import type { OfflineReason, StationCallHandler, StationCredentialStore, StationEventsListener, StationOnline } from './gateway.ports';
import { stationIdFromUrl } from './station-path';
import { negotiateSubprotocol } from './subprotocol';

export interface GatewayDependencies {
  readonly engine: WebSocketEngine;
  /** Serves wss:// (needs peer certificates): the node engine. */
  readonly tlsEngine?: WebSocketEngine;
  readonly handler: StationCallHandler;
  readonly events: StationEventsListener;
  readonly credentials: StationCredentialStore;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
}

/** Close codes: RFC 6455 1012 "service restart" tells chargers to come back (elsewhere). */
const CLOSE_NORMAL = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_SERVICE_RESTART = 1012;
const CLOSE_POLICY_VIOLATION = 1008;
/** Close codes the engines use for frames that break the WebSocket or OCPP-J rules. */
const PROTOCOL_ERROR_CLOSE_CODES = new Set([1002, 1003, 1007, 1009]);

/**
 * The OCPP edge: admits and authenticates stations, frames and validates every message, hands
 * station CALLs to the handler port and carries CSMS calls to stations. Stateless beyond its
 * sockets: a killed gateway loses nothing that the stations will not send again.
 */
export class OcppGateway {
  private readonly connections = new Map<string, StationConnection>();
  private readonly metrics: GatewayMetrics;
  private readonly services: ConnectionServices;
  private readonly authenticator: StationAuthenticator;
  private readonly credentials: CachedCredentialStore;
  private readonly flapGuard: FlapGuard;
  private readonly listeners: ListeningEngine[] = [];
  private upgradesInFlight = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private draining = false;
  private dependencyCheck: () => ReadinessReport['checks'] = () => ({});

  constructor(
    readonly options: GatewayOptions,
    private readonly deps: GatewayDependencies,
  ) {
    this.metrics = createGatewayMetrics(deps.metrics);
    deps.metrics.gauge('ocpp_gateway_connections', 'Open station connections by protocol', ['protocol'] as const, (gauge) => {
      const counts: Record<OcppVersion, number> = { 'ocpp1.6': 0, 'ocpp2.0.1': 0 };
      for (const connection of this.connections.values()) counts[connection.identity.protocol] += 1;
      for (const [protocol, count] of Object.entries(counts)) gauge.set({ protocol }, count);
    });
    deps.metrics.gauge('ocpp_gateway_queue_depth', 'Calls waiting per direction, summed over connections', ['direction'] as const, (gauge) => {
      let inbound = 0;
      let outbound = 0;
      for (const connection of this.connections.values()) {
        inbound += connection.inboundDepth;
        outbound += connection.outboundDepth;
      }
      gauge.set({ direction: 'in' }, inbound);
      gauge.set({ direction: 'out' }, outbound);
    });
    deps.metrics.gauge('ocpp_gateway_upgrades_in_flight', 'Upgrades being authenticated', [], (gauge) => gauge.set({}, this.upgradesInFlight));
    deps.metrics.gauge('ocpp_gateway_quarantined_stations', 'Stations refused for reconnecting too often', [], (gauge) =>
      gauge.set({}, this.flapGuard.quarantinedCount),
    );
    this.services = {
      handler: deps.handler,
      events: deps.events,
      metrics: this.metrics,
      validatorFor: getValidator,
      limits: options,
    };
    this.credentials = new CachedCredentialStore(deps.credentials, options.credentialCacheMs);
    this.authenticator = new StationAuthenticator(this.credentials, {
      unknownStations: options.unknownStations,
      allowSecurityProfile0: options.allowSecurityProfile0,
      clientCertHeader: options.clientCertHeader,
      trustedProxies: options.trustedProxies,
      verifiedPasswordTtlMs: Math.max(options.credentialCacheMs, 300_000),
    });
    this.flapGuard = new FlapGuard({ limit: options.reconnectLimit, windowMs: options.reconnectWindowMs, quarantineMs: options.quarantineMs });
  }

  async start(): Promise<{ port: number; tlsPort?: number }> {
    const handlers = this.engineHandlers();
    const plain = await this.deps.engine.listen(
      { host: this.options.host, port: this.options.port, maxPayloadBytes: this.options.maxPayloadBytes, maxBackpressureBytes: this.options.maxBackpressureBytes },
      handlers,
    );
    this.listeners.push(plain);
    let tlsPort: number | undefined;
    if (this.options.tls) {
      const tlsEngine = this.deps.tlsEngine;
      if (!tlsEngine) throw new Error('TLS is configured but no TLS-capable engine was given');
      const secure = await tlsEngine.listen(
        {
          host: this.options.host,
          port: this.options.tls.port,
          maxPayloadBytes: this.options.maxPayloadBytes,
          maxBackpressureBytes: this.options.maxBackpressureBytes,
          tls: { key: this.options.tls.key, cert: this.options.tls.cert, ...(this.options.tls.ca ? { ca: this.options.tls.ca } : {}) },
        },
        handlers,
      );
      this.listeners.push(secure);
      tlsPort = secure.port;
    }
    const sweepEvery = Math.max(100, Math.min(this.options.pingIntervalMs, this.options.idleTimeoutMs) / 4);
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery);
    this.sweepTimer.unref();
    this.deps.logger.info('ocpp gateway listening', {
      engine: this.deps.engine.name,
      port: plain.port,
      tlsPort,
      protocols: this.options.protocols,
      podId: this.options.podId,
    });
    return tlsPort === undefined ? { port: plain.port } : { port: plain.port, tlsPort };
  }

  /** Readiness also reflects the handler's dependencies (the bus), given by the app. */
  setDependencyCheck(check: () => ReadinessReport['checks']): void {
    this.dependencyCheck = check;
  }

  readiness(): ReadinessReport {
    const dependencies = this.dependencyCheck();
    const checks: Record<string, boolean | string> = {
      draining: this.draining,
      connections: `${this.connections.size}/${this.options.maxConnections}`,
      ...dependencies,
    };
    const full = this.connections.size >= this.options.maxConnections;
    const dependenciesOk = Object.values(dependencies).every((value) => value === true);
    return { ready: !this.draining && !full && dependenciesOk, checks };
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  isConnected(stationId: string): boolean {
    return this.connections.has(stationId);
  }

  connectionOf(stationId: string): { connectionId: string; protocol: OcppVersion; connectedAt: Date } | undefined {
    const connection = this.connections.get(stationId);
    return connection
      ? { connectionId: connection.identity.connectionId, protocol: connection.identity.protocol, connectedAt: connection.connectedAt }
      : undefined;
  }

  /** Every station this gateway holds: for re-registration after the registry lost its data. */
  *heldStations(): Iterable<StationOnline> {
    for (const connection of this.connections.values()) {
      yield {
        stationId: connection.stationId,
        connectionId: connection.identity.connectionId,
        protocol: connection.identity.protocol,
        remoteAddress: connection.socket.remoteAddress,
        securityProfile: connection.identity.securityProfile,
        connectedAt: connection.connectedAt,
      };
    }
  }

  /** Sends a CSMS CALL to a station held by this gateway. */
  call(stationId: string, action: string, payload: Record<string, unknown>, options: { timeoutMs?: number } = {}): Promise<OutboundCallResult> {
    const connection = this.connections.get(stationId);
    if (!connection) return Promise.resolve({ status: 'failed', failure: 'offline', message: `station ${stationId} is not connected to this gateway` });
    return connection.call(action, payload, options.timeoutMs);
  }

  /** Another pod now holds this station: close our socket for it (only that exact connection). */
  /**
   * A station's credentials changed (or it was deleted): the next upgrade reads them afresh;
   * `close` also ends its connection here (1008), for a station that may no longer connect.
   */
  credentialsChanged(stationId: string, close: boolean): boolean {
    this.credentials.invalidate(stationId);
    const connection = this.connections.get(stationId);
    if (!close || !connection) return false;
    connection.close(CLOSE_POLICY_VIOLATION, 'Station credentials revoked', 'evicted');
    return true;
  }

  evict(stationId: string, connectionId?: string): boolean {
    const connection = this.connections.get(stationId);
    if (!connection || (connectionId !== undefined && connection.identity.connectionId !== connectionId)) return false;
    connection.close(CLOSE_NORMAL, 'Connected elsewhere', 'evicted');
    return true;
  }

  /**
   * SIGTERM: not ready at once, stop accepting, let in-flight calls finish up to the deadline,
   * then close every socket with 1012, spread over the window so chargers do not storm.
   */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.deps.logger.info('draining', { connections: this.connections.size });
    await Promise.all(this.listeners.map((listener) => listener.stopAccepting()));
    const deadline = Date.now() + this.options.drainDeadlineMs;
    while (Date.now() < deadline && [...this.connections.values()].some((connection) => connection.busy)) {
      await delay(50);
    }
    const all = [...this.connections.values()];
    const spreadMs = this.options.drainSpreadMs;
    const batches = Math.max(1, Math.min(all.length, Math.ceil(spreadMs / 50)));
    const perBatch = Math.ceil(all.length / batches);
    for (let start = 0; start < all.length; start += perBatch) {
      for (const connection of all.slice(start, start + perBatch)) connection.close(CLOSE_SERVICE_RESTART, 'Gateway restarting', 'drained');
      if (start + perBatch < all.length) await delay(spreadMs / batches);
    }
    await this.waitForSockets(2_000);
    this.stop();
  }

  /** Immediate stop for tests and the embedded launcher's shutdown. */
  async close(): Promise<void> {
    this.draining = true;
    await Promise.all(this.listeners.map((listener) => listener.stopAccepting()));
    for (const connection of this.connections.values()) connection.close(CLOSE_GOING_AWAY, 'Gateway shutting down', 'shutdown');
    await this.waitForSockets(2_000);
    for (const connection of this.connections.values()) connection.terminate('shutdown');
    this.stop();
  }

  private stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  private async waitForSockets(timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.connections.size > 0 && Date.now() < until) await delay(20);
  }

  private engineHandlers(): EngineHandlers<ConnectionIdentity> {
    return {
      upgrade: (request, aborted) => this.admit(request, aborted),
      open: (socket) => this.opened(socket),
      message: (socket, text) => this.current(socket)?.receive(text),
      pong: (socket) => this.current(socket)?.pong(),
      drain: () => undefined,
      close: (socket, code) => this.closed(socket, code),
    };
  }

  private current(socket: EngineConnection<ConnectionIdentity>): StationConnection | undefined {
    const connection = this.connections.get(socket.context.stationId);
    return connection && connection.identity.connectionId === socket.context.connectionId ? connection : undefined;
  }

  private async admit(request: UpgradeRequest, aborted: AbortSignal): Promise<UpgradeDecision<ConnectionIdentity>> {
    const refuse = (status: number, reason: string, outcome: string, headers?: Record<string, string>): UpgradeDecision<ConnectionIdentity> => {
      this.metrics.upgrades.inc({ outcome });
      return headers ? { accept: false, status, reason, headers } : { accept: false, status, reason };
    };
    if (this.draining) return refuse(503, 'Gateway is draining', 'draining', { 'Retry-After': '5' });
    if (this.connections.size >= this.options.maxConnections) return refuse(503, 'Gateway is full', 'full', { 'Retry-After': '10' });
    if (this.upgradesInFlight >= this.options.maxUpgradesInFlight) return refuse(503, 'Too many connection attempts', 'busy', { 'Retry-After': '2' });

    const path = stationIdFromUrl(request.url);
    if (!path.ok) return refuse(400, path.reason, 'bad-station-id');
    const { stationId } = path;
    const protocol = negotiateSubprotocol(request.headers['sec-websocket-protocol'], this.options.protocols);
    if (!protocol) {
      const offered = request.headers['sec-websocket-protocol'] ?? 'none';
      return refuse(400, `No supported OCPP subprotocol (offered: ${offered}; supported: ${this.options.protocols.join(', ')})`, 'no-subprotocol');
    }
    const flap = this.flapGuard.attempt(stationId);
    if (!flap.admitted) {
      this.deps.logger.warn('station quarantined for reconnecting too often', { stationId, retryAfterSec: flap.retryAfterSec });
      return refuse(429, 'Reconnecting too often', 'quarantined', { 'Retry-After': String(flap.retryAfterSec) });
    }

    this.upgradesInFlight += 1;
    try {
      const auth = await this.authenticator.authenticate(stationId, request);
      if (aborted.aborted) return refuse(499, 'aborted', 'aborted');
      if (!auth.ok) {
        this.deps.logger.warn('station refused', { stationId, remoteAddress: request.remoteAddress, detail: auth.detail });
        return refuse(auth.status, auth.reason, 'unauthorized', auth.status === 401 ? { 'WWW-Authenticate': 'Basic realm="OCPP", charset="UTF-8"' } : undefined);
      }
      if (auth.confirm) {
        // Now the station has shown it holds the new password or profile, the old one goes.
        await this.credentials.confirm(stationId, auth.confirm).catch((error: unknown) => this.deps.logger.error('could not confirm station credentials', { stationId, error }));
        this.deps.logger.info('station connected with its new credentials', { stationId, securityProfile: auth.securityProfile, newPassword: auth.confirm.passwordHash !== undefined });
      }
      if (auth.registeredOnTheFly) {
        this.deps.logger.warn('unknown station accepted without a password (security profile 0)', { stationId, remoteAddress: request.remoteAddress });
      }
      const leniency = findLeniencyProfile([...this.options.leniencyProfiles], auth.credential?.vendor, auth.credential?.model);
      this.metrics.upgrades.inc({ outcome: 'accepted' });
      return {
        accept: true,
        protocol,
        context: { connectionId: randomBytes(9).toString('base64url'), stationId, protocol, securityProfile: auth.securityProfile, leniency },
      };
    } catch (error) {
      this.deps.logger.error('authentication failed', { stationId, error });
      return refuse(503, 'Authentication unavailable', 'auth-error', { 'Retry-After': '5' });
    } finally {
      this.upgradesInFlight -= 1;
    }
  }

  private opened(socket: EngineConnection<ConnectionIdentity>): void {
    const identity = socket.context;
    const previous = this.connections.get(identity.stationId);
    if (previous) {
      // The newest connection wins: the old one is likely a half-open socket the station gave up on.
      previous.close(CLOSE_NORMAL, 'Replaced by a newer connection', 'replaced');
      this.forget(previous, previous.closingReason ?? 'replaced', CLOSE_NORMAL);
    }
    const connection = new StationConnection(identity, socket, this.services, this.deps.logger);
    this.connections.set(identity.stationId, connection);
    this.deps.events.online({
      stationId: identity.stationId,
      connectionId: identity.connectionId,
      protocol: identity.protocol,
      remoteAddress: socket.remoteAddress,
      securityProfile: identity.securityProfile,
      connectedAt: connection.connectedAt,
    });
    this.deps.logger.info('station connected', {
      stationId: identity.stationId,
      connectionId: identity.connectionId,
      protocol: identity.protocol,
      securityProfile: identity.securityProfile,
      remoteAddress: socket.remoteAddress,
    });
    if (this.draining) connection.close(CLOSE_SERVICE_RESTART, 'Gateway restarting', 'drained');
  }

  private closed(socket: EngineConnection<ConnectionIdentity>, code: number): void {
    const connection = this.current(socket);
    if (!connection) return; // already replaced and reported
    this.forget(connection, connection.closingReason ?? (PROTOCOL_ERROR_CLOSE_CODES.has(code) ? 'protocol-error' : 'closed-by-station'), code);
  }

  /** Removes a connection and reports it offline exactly once. */
  private forget(connection: StationConnection, reason: OfflineReason, code: number): void {
    if (this.connections.get(connection.stationId) === connection) this.connections.delete(connection.stationId);
    if (connection.closed) return;
    connection.closedBySocket();
    this.metrics.disconnects.inc({ reason });
    this.deps.logger.info('station disconnected', {
      stationId: connection.stationId,
      connectionId: connection.identity.connectionId,
      reason,
      closeCode: code,
      connectedSec: Math.round((Date.now() - connection.connectedAt.getTime()) / 1000),
    });
    this.deps.events.offline({
      stationId: connection.stationId,
      connectionId: connection.identity.connectionId,
      protocol: connection.identity.protocol,
      reason,
      closeCode: code,
      disconnectedAt: new Date(),
    });
  }

  /** Keepalive: ping quiet connections, drop dead ones; also ages admission history. */
  private sweep(): void {
    const now = Date.now();
    for (const connection of this.connections.values()) {
      const idle = now - connection.lastSeenAt;
      if (idle >= this.options.idleTimeoutMs) {
        connection.terminate('timeout');
        this.forget(connection, 'timeout', 1006);
      } else if (idle >= this.options.pingIntervalMs && now - connection.lastPingAt >= this.options.pingIntervalMs) {
        connection.ping(now);
      }
    }
    this.flapGuard.prune(now);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
