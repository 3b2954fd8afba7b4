import { randomUUID } from 'node:crypto';
import type { OcppVersion } from '@evcsms/ocpp';
import { ChargingProfileStore, type TransactionContext } from '../charging/charging-profile.store';
import { integrateCharging } from '../charging/power-curve';
import { SystemClock, type Clock, type ClockTimer } from '../clock/clock';
import { handlersFor, type CommandHandlers } from '../commands/command-handlers';
import type { GroundTruthLog, SessionRecord } from '../ground-truth/ground-truth.log';
import { OCPP16_BEHAVIOUR } from '../protocol/ocpp16.behaviour';
import { OCPP201_BEHAVIOUR } from '../protocol/ocpp201.behaviour';
import type { BootReason, EndTrigger, OutboundMessage, SampleTrigger, StationIdentity, VersionBehaviour } from '../protocol/version-behaviour';
import { OfflineQueue } from '../queue/offline-queue';
import { DEFAULT_BACKOFF, reconnectDelayMs, type BackoffOptions } from '../reconnect/backoff';
import { OcppConnection, type InboundCallOutcome } from '../rpc/ocpp-connection';
import { CallErrorResponse, CallTimeout, ConnectionLost, ProtocolViolationError } from '../rpc/rpc-errors';
import { StationStats } from '../stats/station-stats';
import { ConfigurationStore, ocpp16Configuration, ocpp201Variables, SETTING_KEYS } from './configuration.store';
import { derivedStatus, newConnector, registerWh, type Connector, type ConnectorStatus, type PendingStart, type Session, type SessionTrigger, type StopReason } from './connector.model';
import { LocalAuthList } from './local-auth-list';
import { DEFAULT_EV, normaliseProtocol, type EvSpec, type SimulatedStationOptions } from './station.options';

export type Registration = 'Accepted' | 'Pending' | 'Rejected';

/** What a test or the fleet can see of a station at a glance. */
export interface StationSnapshot {
  readonly id: string;
  readonly protocol: OcppVersion;
  readonly connected: boolean;
  readonly registration: Registration | undefined;
  readonly activeSessions: number;
  readonly finishedSessions: number;
  readonly queued: number;
}

/** The station's ground truth: sessions it finished (delivered or not) and those still running. */
export interface StationGroundTruth {
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly sessions: readonly SessionRecord[];
  readonly active: ReadonlyArray<{ connectorId: number; transactionId: string | null; idTag: string; startedAt: string; energyWhSoFar: number }>;
  readonly totals: { readonly sessions: number; readonly energyWh: number };
}

const DEFAULT_BOOT_RETRY_S = 60;

/**
 * One simulated charging station (OCPP 1.6J or 2.0.1): connectors, EVs that charge along a power
 * curve, a connection that reconnects with backoff, transaction messages queued while offline,
 * and answers to the CSMS's commands. Usable directly in tests; Fleet runs many.
 */
export class SimulatedStation {
  readonly id: string;
  readonly protocol: OcppVersion;
  readonly clock: Clock;
  readonly stats = new StationStats();
  readonly connectors: readonly Connector[];
  readonly profiles = new ChargingProfileStore();
  readonly config: ConfigurationStore;
  readonly localList = new LocalAuthList();
  readonly identity: StationIdentity;
  readonly behaviour: VersionBehaviour;
  readonly keys: (typeof SETTING_KEYS)['1.6' | '2.0.1'];
  registration: Registration | undefined;
  /** Firmware status the station last reported (TriggerMessage repeats it). */
  firmwareStatus = 'Idle';
  /** Last log / diagnostics upload status. */
  uploadStatus: 'Idle' | 'Uploading' | 'Uploaded' | 'UploadFailure' = 'Idle';

  private readonly options: SimulatedStationOptions;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  // TransactionMessageAttempts / OCPPCommCtrlr.MessageAttempts, read at each attempt.
  private readonly queue = new OfflineQueue({
    capacity: 10_000,
    maxAttempts: () => Math.max(1, this.config.int(this.protocol === 'ocpp1.6' ? 'TransactionMessageAttempts' : 'OCPPCommCtrlr.MessageAttempts', 3)),
  });
  private readonly handlers: CommandHandlers;
  private readonly records: SessionRecord[] = [];
  /** Ended sessions whose last message the CSMS has not acknowledged yet. */
  private readonly undelivered = new Map<string, Session>();
  private connection: OcppConnection | undefined;
  private lane: Promise<unknown> = Promise.resolve();
  private running = false;
  private networkUp = true;
  private connecting = false;
  private reconnectAttempt = 0;
  /** Index into [url, ...failoverUrls] of the endpoint the next connection attempt uses. */
  private endpoint = 0;
  private bootFailures = 0;
  private bootReason: BootReason = 'PowerUp';
  private heartbeatS: number;
  private resetWhenIdle = false;
  private acceptedWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private afterBootHooks: Array<() => void> = [];
  private readonly timers = new Map<string, ClockTimer>();

  constructor(options: SimulatedStationOptions) {
    this.options = options;
    this.id = options.id;
    this.protocol = normaliseProtocol(options.protocol);
    this.clock = options.clock ?? new SystemClock();
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.behaviour = this.protocol === 'ocpp1.6' ? OCPP16_BEHAVIOUR : OCPP201_BEHAVIOUR;
    this.keys = SETTING_KEYS[this.behaviour.version];
    this.heartbeatS = options.heartbeatIntervalS ?? 300;
    const count = options.connectors ?? 2;
    const now = this.clock.now();
    this.connectors = Array.from({ length: count }, (_, i) =>
      newConnector(i + 1, options.connectorMaxPowerW ?? 22_000, (options.initialRegisterWh ?? Math.floor(this.random() * 1_000_000)) * 1000, now),
    );
    this.identity = {
      vendor: options.vendor ?? 'EVCSMS-Sim',
      model: options.model ?? (this.protocol === 'ocpp1.6' ? 'SimAC-16' : 'SimAC-201'),
      serialNumber: options.serialNumber ?? `SN-${options.id}`.slice(0, 25),
      firmwareVersion: options.firmwareVersion ?? 'sim-1.0.0',
    };
    const meterS = Math.max(1, Math.round((options.meterIntervalMs ?? 60_000) / 1000));
    const initial =
      this.protocol === 'ocpp1.6'
        ? ocpp16Configuration(count, this.heartbeatS, meterS)
        : ocpp201Variables(count, this.heartbeatS, meterS, this.identity.vendor, this.identity.model);
    this.config = new ConfigurationStore(initial, (key) => this.settingChanged(key));
    this.meterIntervalMs = options.meterIntervalMs ?? 60_000;
    this.handlers = handlersFor(this);
  }

  /** Simulated ms between meter samples (the CSMS may change it through configuration). */
  meterIntervalMs: number;

  get groundTruthLog(): GroundTruthLog | undefined {
    return this.options.groundTruth;
  }

  /** The endpoint the station is connected to, or tries next. */
  get url(): string {
    const endpoints = [this.options.url, ...(this.options.failoverUrls ?? [])];
    return endpoints[this.endpoint % endpoints.length]!;
  }

  get connected(): boolean {
    return this.connection?.isOpen === true;
  }

  /** Connected and accepted: may send anything. */
  get online(): boolean {
    return this.connected && this.registration === 'Accepted';
  }

  // ---------------------------------------------------------------- lifecycle

  /** Connects and boots; resolves once the CSMS has accepted the station. */
  start(): Promise<void> {
    this.running = true;
    const accepted = this.whenAccepted();
    void this.connect();
    return accepted;
  }

  /** Resolves at the next Accepted BootNotification (at once when already accepted). */
  whenAccepted(): Promise<void> {
    if (this.online) return Promise.resolve();
    return new Promise((resolve, reject) => this.acceptedWaiters.push({ resolve, reject }));
  }

  /**
   * Stops for good: closes the connection, cancels timers. Sessions still running stay out of the
   * ground truth (they did not finish); ended ones the CSMS never acknowledged go in as undelivered.
   */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers.values()) this.clock.clearTimer(timer);
    this.timers.clear();
    this.connection?.close();
    this.connection = undefined;
    for (const session of [...this.undelivered.values()]) this.record(session, false);
    const waiters = this.acceptedWaiters.splice(0);
    for (const waiter of waiters) waiter.reject(new Error(`station ${this.id} stopped`));
  }

  /** The network goes down: the socket drops without a close frame, reconnects fail until restoreNetwork(). */
  cutNetwork(): void {
    this.networkUp = false;
    this.connection?.drop();
  }

  restoreNetwork(): void {
    this.networkUp = true;
    this.reconnectAttempt = 0;
    this.clearTimer('reconnect');
    if (this.running && !this.connected) void this.connect();
  }

  /** Status notifications in order, each after the transaction messages queued before it. */
  private statusChain: Promise<void> = Promise.resolve();

  /**
   * Resolves when every queued transaction message has been delivered (or after timeoutMs, real),
   * or at once with false once the station is stopped: nothing will deliver them then, and a
   * status waiting on this would keep the process alive for nothing.
   */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running && Date.now() < deadline) {
      if (this.queue.size === 0 && !this.queue.busy) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  snapshot(): StationSnapshot {
    return {
      id: this.id,
      protocol: this.protocol,
      connected: this.connected,
      registration: this.registration,
      activeSessions: this.connectors.filter((c) => c.session).length,
      finishedSessions: this.records.length + this.undelivered.size,
      queued: this.queue.size,
    };
  }

  /** Queued transaction messages, oldest first. */
  queuedActions(): string[] {
    return this.queue.pending();
  }

  /** Queued transaction messages with their payloads as they would be sent now. */
  queuedMessages(): Array<{ action: string; payload: Record<string, unknown> | undefined }> {
    return this.queue.peek();
  }

  groundTruth(): StationGroundTruth {
    const sessions = [...this.records];
    return {
      stationId: this.id,
      protocol: this.protocol,
      sessions,
      active: this.connectors.flatMap((c) => {
        const s = c.session;
        if (!s) return [];
        this.settle(c);
        return [{ connectorId: c.id, transactionId: this.transactionKey(s) ?? null, idTag: s.idTag, startedAt: new Date(s.startedAt).toISOString(), energyWhSoFar: registerWh(c) - s.meterStartWh }];
      }),
      totals: { sessions: sessions.length, energyWh: sessions.reduce((sum, s) => sum + s.energyWh, 0) },
    };
  }

  // ---------------------------------------------------------------- the driver's actions

  /**
   * An EV is plugged into a connector. With a token the driver also presents the card, and the
   * session starts once it is authorized. Resolves with the session, or undefined if none started.
   */
  async plugIn(connectorId: number, idTag?: string, ev?: Partial<EvSpec>): Promise<Session | undefined> {
    const connector = this.connectorOrThrow(connectorId);
    if (connector.ev) throw new Error(`connector ${connectorId} of ${this.id} already has an EV plugged in`);
    const spec = { ...DEFAULT_EV, ...this.options.ev, ...ev };
    connector.ev = { capacityMwh: spec.capacityWh * 1000, socMwh: Math.round(spec.capacityWh * 1000 * spec.initialSoc), maxPowerW: spec.maxPowerW };
    connector.settledAt = this.clock.now();
    connector.status = 'Preparing';
    this.announceStatus(connector);
    const pending = connector.pendingStart;
    if (pending && !connector.session) {
      this.beginSession(connector, pending, pending.trigger === 'RemoteStart' ? 'RemoteStart' : 'CablePluggedIn');
      return connector.session;
    }
    if (idTag !== undefined) return this.presentToken(connectorId, idTag);
    return undefined;
  }

  /**
   * The driver holds a card to the reader: starts a session (authorized first) or, with the card
   * that started the running one, stops it.
   */
  async presentToken(connectorId: number, idTag: string, idTokenType = 'ISO14443'): Promise<Session | undefined> {
    const connector = this.connectorOrThrow(connectorId);
    if (connector.session) {
      if (connector.session.idTag === idTag) this.endSession(connector, 'Local', 'StopAuthorized');
      return undefined;
    }
    if (!connector.operative) return undefined;
    if (connector.reservation && connector.reservation.idTag !== idTag) return undefined;
    if (!(await this.authorize(idTag, idTokenType))) return undefined;
    if (connector.session) return undefined;
    const start: PendingStart = { idTag, idTokenType, remoteStartId: undefined, trigger: 'Authorized' };
    if (!connector.ev) {
      connector.pendingStart = start;
      this.announceStatus(connector);
      return undefined;
    }
    this.beginSession(connector, start, 'Authorized');
    return connector.session;
  }

  /** The driver stops charging with the card that started it. */
  async stopCharging(connectorId: number): Promise<void> {
    const connector = this.connectorOrThrow(connectorId);
    if (connector.session) this.endSession(connector, 'Local', 'StopAuthorized');
  }

  /** The cable is pulled out: a running session ends (EVDisconnected), the connector becomes Available. */
  async unplug(connectorId: number): Promise<void> {
    const connector = this.connectorOrThrow(connectorId);
    if (connector.session) this.endSession(connector, 'EVDisconnected', 'EVDeparted');
    connector.ev = undefined;
    connector.powerW = 0;
    connector.status = 'Available';
    this.announceStatus(connector);
  }

  // ---------------------------------------------------------------- what commands use

  connector(connectorId: number): Connector | undefined {
    return this.connectors[connectorId - 1];
  }

  /** The id the CSMS knows a session by. */
  transactionKey(session: Session): string | undefined {
    if (this.protocol === 'ocpp2.0.1') return session.localId;
    return session.transactionId === undefined ? undefined : String(session.transactionId);
  }

  findSession(transactionId: string | number): Connector | undefined {
    return this.connectors.find((c) => c.session && this.transactionKey(c.session) === String(transactionId));
  }

  /**
   * A start the CSMS asked for (RemoteStart / RequestStart). Returns false when no connector can
   * take it; otherwise the session starts after the answer is sent (the caller runs `begin`).
   */
  acceptRemoteStart(connectorId: number | undefined, start: PendingStart): { accepted: boolean; begin: () => void } {
    const usable = (c: Connector): boolean => c.operative && !c.session && !c.pendingStart && (!c.reservation || c.reservation.idTag === start.idTag);
    const connector =
      connectorId !== undefined && connectorId > 0
        ? this.connector(connectorId)
        : (this.connectors.find((c) => usable(c) && c.ev) ?? this.connectors.find(usable));
    if (!connector || !usable(connector)) return { accepted: false, begin: () => undefined };
    connector.pendingStart = start;
    const begin = (): void => void this.beginRemoteStart(connector, start);
    return { accepted: true, begin };
  }

  /** Ends a session for a reason the CSMS caused (remote stop, reset, unlock). */
  endSessionFor(connector: Connector, reason: StopReason, trigger: EndTrigger): void {
    this.endSession(connector, reason, trigger);
  }

  /** Sends a message now if online (not queued; lost when offline, as a real charger would). */
  notify(message: OutboundMessage | undefined): void {
    if (!message || !this.online) return;
    this.call(message.action, message.payload).catch(() => undefined);
  }

  announceStatus(connector: Connector, explicit?: ConnectorStatus): void {
    const next = explicit ?? derivedStatus(connector);
    connector.status = next;
    const message = this.behaviour.statusNotification(connector, this.now());
    // As a charger does: a status goes out after the transaction messages queued before it, or a
    // CSMS that saw "Available" ahead of the StopTransaction would close the session without it.
    this.statusChain = this.statusChain
      .then(async () => {
        if (this.queue.size > 0 || this.queue.busy) await this.flush(60_000);
      })
      .then(() => this.notify(message));
  }

  /** A meter sample outside the schedule (TriggerMessage). */
  triggerMeterValues(connector: Connector): void {
    this.settle(connector);
    const session = connector.session;
    if (!session) return this.notify(this.behaviour.idleMeterValues(connector, this.now()));
    const message = this.behaviour.transactionSample(session, connector, 'Trigger', { timestamp: this.now(), offline: !this.online });
    this.enqueue(session, message);
  }

  sendBootNotification(): void {
    this.notify(this.behaviour.bootNotification(this.identity, 'Triggered'));
  }

  sendHeartbeat(): void {
    this.notify({ action: 'Heartbeat', payload: {} });
  }

  sendAllStatuses(): void {
    if (this.protocol === 'ocpp1.6') {
      this.notify(this.behaviour.statusNotification({ id: 0, status: this.connectors.every((c) => !c.operative) ? 'Unavailable' : 'Available' }, this.now()));
    }
    for (const connector of this.connectors) this.announceStatus(connector);
  }

  /** Restarts: the socket closes, the station boots again `rebootDelayMs` later. */
  reboot(reason: BootReason): void {
    this.bootReason = reason;
    this.resetWhenIdle = false;
    this.registration = undefined;
    this.clearTimer('heartbeat');
    this.clearTimer('boot');
    this.connection?.close(1012);
    this.connection = undefined;
    this.setTimer('reboot', this.options.rebootDelayMs ?? 3_000, () => void this.connect());
  }

  /** Reset OnIdle (2.0.1) / a reset waiting for sessions to end. */
  rebootWhenIdle(): void {
    this.resetWhenIdle = true;
    this.maybeResetNow();
  }

  /** Runs once after the next accepted boot (e.g. FirmwareStatusNotification Installed). */
  afterNextBoot(hook: () => void): void {
    this.afterBootHooks.push(hook);
  }

  /** Runs `steps` one after another, `stepDelayMs` of simulated time apart. */
  runSteps(name: string, steps: Array<() => void>, firstDelayMs = this.options.stepDelayMs ?? 2_000): void {
    const [head, ...rest] = steps;
    if (!head) return;
    this.setTimer(name, firstDelayMs, () => {
      head();
      this.runSteps(name, rest);
    });
  }

  /** Timer helpers shared with commands (reservation expiry, firmware steps). */
  setTimer(name: string, delayMs: number, callback: () => void): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      this.clock.setTimer(() => {
        this.timers.delete(name);
        if (this.running) callback();
      }, delayMs),
    );
  }

  clearTimer(name: string): void {
    this.clock.clearTimer(this.timers.get(name));
    this.timers.delete(name);
  }

  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Counts energy up to now on a connector. */
  settle(connector: Connector): void {
    const now = this.clock.now();
    const session = connector.session;
    if (session && connector.ev && now > connector.settledAt) {
      const tx = this.txContext(session);
      const { deliveredMwh, powerW } = integrateCharging(connector.ev, connector.settledAt, now, (at) => ({
        connectorMaxW: connector.maxPowerW,
        profileLimitW: this.profiles.limitW(connector.id, at, tx),
      }));
      connector.registerMwh += deliveredMwh;
      connector.powerW = powerW;
    } else if (!session) {
      connector.powerW = 0;
    }
    connector.settledAt = Math.max(connector.settledAt, now);
  }

  txContext(session: Session | undefined): TransactionContext | undefined {
    return session ? { startedAtMs: session.startedAt, transactionId: this.transactionKey(session) } : undefined;
  }

  // ---------------------------------------------------------------- inside

  private async connect(): Promise<void> {
    if (!this.running || this.connecting || this.connected) return;
    this.connecting = true;
    const connection = new OcppConnection({
      url: this.url,
      stationId: this.id,
      protocol: this.protocol,
      ...(this.options.localAddress ? { localAddress: this.options.localAddress } : {}),
      quirks: new Set(this.options.quirks ?? []),
      callTimeoutMs: this.options.callTimeoutMs ?? 30_000,
      stats: this.stats,
      onCall: (action, payload) => this.onCall(action, payload),
      onClose: () => this.connectionLost(connection),
      ...(this.options.basicAuthPassword ? { basicAuthPassword: this.options.basicAuthPassword } : {}),
    });
    try {
      if (!this.networkUp) throw new Error('network is down');
      await connection.open();
    } catch {
      this.connecting = false;
      if (this.networkUp) this.endpoint += 1;
      this.scheduleReconnect();
      return;
    }
    this.connecting = false;
    if (!this.running || !this.networkUp) {
      connection.close();
      if (this.running) this.scheduleReconnect();
      return;
    }
    this.connection = connection;
    this.reconnectAttempt = 0;
    void this.boot();
  }

  private connectionLost(connection: OcppConnection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.registration = undefined;
    this.clearTimer('heartbeat');
    this.clearTimer('boot');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    const delay = reconnectDelayMs(this.reconnectAttempt, this.backoff, this.random);
    this.reconnectAttempt += 1;
    this.setTimer('reconnect', delay, () => void this.connect());
  }

  private async boot(): Promise<void> {
    const message = this.behaviour.bootNotification(this.identity, this.bootReason);
    let response: Record<string, unknown>;
    try {
      response = await this.call(message.action, message.payload);
    } catch (error) {
      if (error instanceof ConnectionLost) return;
      // A CALLERROR or no answer says nothing about when to come back: back off like a reconnect.
      this.setTimer('boot', reconnectDelayMs(this.bootFailures++, this.backoff, this.random), () => void this.boot());
      return;
    }
    const status = response['status'] as Registration;
    const interval = typeof response['interval'] === 'number' ? response['interval'] : 0;
    this.registration = status;
    if (status !== 'Accepted') {
      // Pending / Rejected: try again after the interval the CSMS gave (OCPP 1.6 4.2, 2.0.1 B02/B03).
      this.setTimer('boot', (interval > 0 ? interval : DEFAULT_BOOT_RETRY_S) * 1000, () => void this.boot());
      return;
    }
    this.bootFailures = 0;
    if (interval > 0) {
      this.heartbeatS = interval;
      this.config.update(this.keys.heartbeat, String(interval));
    }
    this.bootReason = 'PowerUp';
    this.scheduleHeartbeat();
    // Replayed transaction messages first, then the connectors' current status: a CSMS that saw
    // "Available" before the queued StopTransaction would think the session closed without one.
    void this.drain().finally(() => this.sendAllStatuses());
    for (const hook of this.afterBootHooks.splice(0)) hook();
    for (const waiter of this.acceptedWaiters.splice(0)) waiter.resolve();
  }

  private scheduleHeartbeat(): void {
    this.setTimer('heartbeat', this.heartbeatS * 1000, () => {
      this.sendHeartbeat();
      if (this.online) this.scheduleHeartbeat();
    });
  }

  private settingChanged(key: string): void {
    if (key === this.keys.heartbeat) {
      this.heartbeatS = this.config.int(key, this.heartbeatS);
      if (this.online) this.scheduleHeartbeat();
    }
    if (key === this.keys.meterInterval) {
      const seconds = this.config.int(key, 0);
      if (seconds > 0) this.meterIntervalMs = seconds * 1000;
    }
  }

  private async onCall(action: string, payload: Record<string, unknown>): Promise<InboundCallOutcome | undefined> {
    const handler = this.handlers[action];
    return handler ? handler(payload) : undefined;
  }

  /** One CALL at a time, as OCPP-J requires of a station. */
  private call(action: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const run = (): Promise<Record<string, unknown>> => {
      const connection = this.connection;
      if (!connection?.isOpen) return Promise.reject(new ConnectionLost(action));
      return connection.call(action, payload);
    };
    const result = this.lane.then(run, run);
    this.lane = result.catch(() => undefined);
    return result;
  }

  private async authorize(idTag: string, idTokenType: string): Promise<boolean> {
    if (this.online) {
      const message = this.behaviour.authorize(idTag, idTokenType);
      try {
        const status = this.behaviour.tokenStatus(await this.call(message.action, message.payload)) ?? 'Invalid';
        if (this.config.bool(this.protocol === 'ocpp1.6' ? 'AuthorizationCacheEnabled' : 'AuthCacheCtrlr.Enabled', true)) {
          this.localList.cache.set(idTag, status as never);
        }
        return status === 'Accepted';
      } catch (error) {
        if (!(error instanceof ConnectionLost || error instanceof CallTimeout)) return false;
      }
    }
    // Offline (OCPP 1.6 3.5 / 2.0.1 C12-C15): the local list, then the cache, then the unknown-id policy.
    const known = (this.config.bool(this.keys.localListEnabled, true) ? this.localList.lookup(idTag) : undefined) ?? this.localList.cache.get(idTag);
    if (known !== undefined) return this.config.bool(this.keys.localAuthorizeOffline, true) && known === 'Accepted';
    return this.config.bool(this.keys.offlineUnknown, true);
  }

  private async beginRemoteStart(connector: Connector, start: PendingStart): Promise<void> {
    if (this.config.bool(this.keys.authorizeRemote, false) && !(await this.authorize(start.idTag, start.idTokenType))) {
      connector.pendingStart = undefined;
      this.announceStatus(connector);
      return;
    }
    if (connector.ev) {
      this.beginSession(connector, start, 'RemoteStart');
      return;
    }
    this.announceStatus(connector);
    const delay = this.options.remoteStartPlugDelayMs === undefined ? 2_000 : this.options.remoteStartPlugDelayMs;
    if (delay !== null) this.setTimer(`plug-${connector.id}`, delay, () => void this.plugIn(connector.id).catch(() => undefined));
  }

  private beginSession(connector: Connector, start: PendingStart, trigger: SessionTrigger): void {
    this.settle(connector);
    const now = this.clock.now();
    const reservation = connector.reservation?.idTag === start.idTag ? connector.reservation : undefined;
    const session: Session = {
      localId: randomUUID(),
      transactionId: undefined,
      connectorId: connector.id,
      idTag: start.idTag,
      idTokenType: start.idTokenType,
      startedAt: now,
      meterStartWh: registerWh(connector),
      remoteStartId: start.remoteStartId,
      reservationId: reservation?.id,
      stoppedAt: undefined,
      meterStopWh: undefined,
      stopReason: undefined,
      seqNo: 0,
      offline: false,
      chargingState: 'Charging',
      deauthorized: false,
    };
    connector.reservation = undefined;
    this.clearTimer(`reservation-${connector.id}`);
    connector.pendingStart = undefined;
    connector.session = session;
    connector.settledAt = now;
    const message = this.behaviour.transactionStarted(session, connector, trigger, { timestamp: this.now(), offline: !this.online });
    this.enqueue(session, message, (response) => this.startAnswered(connector, session, response));
    this.settle(connector);
    this.announceStatus(connector);
    this.scheduleMeterSample(connector, session);
  }

  private startAnswered(connector: Connector, session: Session, response: Record<string, unknown>): void {
    if (this.protocol === 'ocpp1.6' && typeof response['transactionId'] === 'number') session.transactionId = response['transactionId'];
    const status = this.behaviour.tokenStatus(response);
    if (status !== undefined && status !== 'Accepted' && this.config.bool(this.keys.stopOnInvalid, true)) {
      session.deauthorized = true;
      if (connector.session === session) this.endSession(connector, 'DeAuthorized', 'Deauthorized');
    }
  }

  private scheduleMeterSample(connector: Connector, session: Session): void {
    this.setTimer(`meter-${connector.id}`, this.meterIntervalMs, () => {
      if (connector.session !== session) return;
      this.meterSample(connector, session);
      this.scheduleMeterSample(connector, session);
    });
  }

  private meterSample(connector: Connector, session: Session): void {
    this.settle(connector);
    const context = { timestamp: this.now(), offline: !this.online };
    const full = connector.ev !== undefined && connector.ev.socMwh >= connector.ev.capacityMwh;
    const state: Session['chargingState'] = connector.powerW > 0 ? 'Charging' : full ? 'SuspendedEV' : 'SuspendedEVSE';
    let trigger: SampleTrigger = 'MeterValuePeriodic';
    if (state !== session.chargingState) {
      session.chargingState = state;
      trigger = 'ChargingStateChanged';
      this.announceStatus(connector);
    }
    this.enqueue(session, this.behaviour.transactionSample(session, connector, trigger, context));
  }

  private endSession(connector: Connector, reason: StopReason, trigger: EndTrigger): void {
    const session = connector.session;
    if (!session) return;
    this.settle(connector);
    session.stoppedAt = this.clock.now();
    session.meterStopWh = registerWh(connector);
    session.stopReason = reason;
    session.chargingState = connector.ev ? 'EVConnected' : 'Idle';
    connector.session = undefined;
    connector.powerW = 0;
    this.clearTimer(`meter-${connector.id}`);
    this.profiles.transactionEnded(connector.id);
    this.undelivered.set(session.localId, session);
    const message = this.behaviour.transactionEnded(session, connector, reason, trigger, { timestamp: this.now(), offline: !this.online });
    this.enqueue(session, message, () => this.record(session, true));
    if (connector.inoperativeWhenIdle) {
      connector.inoperativeWhenIdle = false;
      connector.operative = false;
    }
    this.announceStatus(connector, connector.ev ? 'Finishing' : undefined);
    this.maybeResetNow();
  }

  private maybeResetNow(): void {
    if (this.resetWhenIdle && this.connectors.every((c) => !c.session)) {
      void this.flush(5_000).then(() => {
        if (this.running) this.reboot('ScheduledReset');
      });
    }
  }

  private record(session: Session, delivered: boolean): void {
    if (!this.undelivered.delete(session.localId)) return;
    const record: SessionRecord = {
      type: 'session',
      stationId: this.id,
      protocol: this.protocol,
      connectorId: session.connectorId,
      transactionId: this.transactionKey(session) ?? null,
      idTag: session.idTag,
      startedAt: new Date(session.startedAt).toISOString(),
      stoppedAt: new Date(session.stoppedAt ?? session.startedAt).toISOString(),
      meterStartWh: session.meterStartWh,
      meterStopWh: session.meterStopWh ?? session.meterStartWh,
      energyWh: (session.meterStopWh ?? session.meterStartWh) - session.meterStartWh,
      stopReason: session.stopReason ?? 'Other',
      offline: session.offline,
      delivered,
    };
    this.records.push(record);
    this.options.groundTruth?.add(record);
  }

  /** Transaction messages go through the queue, online or not, so their order never depends on timing. */
  private enqueue(session: Session, message: OutboundMessage, onResult?: (response: Record<string, unknown>) => void): void {
    if (!this.online) session.offline = true;
    const { action, payload } = message;
    // 1.6: only StartTransaction's answer gives the transactionId that later messages carry.
    const needsTransactionId = this.protocol === 'ocpp1.6' && 'transactionId' in payload;
    this.queue.push({
      action,
      build: needsTransactionId ? () => (session.transactionId === undefined ? undefined : { ...payload, transactionId: session.transactionId }) : () => payload,
      ...(onResult ? { onResult } : {}),
    });
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (!this.online) return;
    await this.queue.drain(async (action, payload, attempt, maxAttempts) => {
      if (!this.online) return { outcome: 'retry-later' };
      const retryS = this.config.int(this.protocol === 'ocpp1.6' ? 'TransactionMessageRetryInterval' : 'OCPPCommCtrlr.MessageAttemptInterval', 10);
      try {
        return { outcome: 'delivered', response: await this.call(action, payload) };
      } catch (error) {
        if (error instanceof ProtocolViolationError) return { outcome: 'rejected' };
        if (error instanceof CallErrorResponse) {
          // OCPP 1.6 4.x / 2.0.1 E: after a CALLERROR wait RetryInterval x attempts before the next attempt.
          if (attempt < maxAttempts) await new Promise<void>((resolve) => this.clock.setTimer(resolve, retryS * 1000 * attempt));
          return { outcome: 'rejected' };
        }
        if (error instanceof CallTimeout) {
          // The CSMS is slow or the link is half dead: try again after the retry interval.
          this.setTimer('drain-retry', retryS * 1000, () => void this.drain());
        }
        return { outcome: 'retry-later' };
      }
    });
  }

  private connectorOrThrow(connectorId: number): Connector {
    const connector = this.connector(connectorId);
    if (!connector) throw new RangeError(`station ${this.id} has no connector ${connectorId}`);
    return connector;
  }
}
