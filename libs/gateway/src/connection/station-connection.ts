import { randomUUID } from 'node:crypto';
import {
  callErrorReplyId,
  findUnstorableText,
  mayCarryUnstorableText,
  MessageType,
  ocppErrorCode,
  ocppErrorKind,
  parseFrame,
  senderOf,
  serializeCall,
  serializeCallError,
  serializeCallResult,
  unstorableTextDescription,
  type CallFrame,
  type CallErrorFrame,
  type CallResultFrame,
  type LeniencyProfile,
  type OcppValidator,
  type OcppVersion,
  type Relaxation,
  type RpcErrorKind,
} from '@evcsms/ocpp';
import type { EngineConnection } from '@evcsms/ws-engine';
import type { Logger } from '@evcsms/logging';
import { TokenBucket } from '../admission/token-bucket';
import type { GatewayMetrics } from '../gateway.metrics';
import type { OfflineReason, SecurityProfile, StationCallHandler, StationEventsListener } from '../gateway.ports';
import { OutboundCallQueue, type OutboundCallResult } from './outbound-calls';

/** What every connection shares: one instance per gateway. */
export interface ConnectionServices {
  readonly handler: StationCallHandler;
  readonly events: StationEventsListener;
  readonly metrics: GatewayMetrics;
  readonly validatorFor: (protocol: OcppVersion) => OcppValidator;
  readonly limits: {
    readonly messagesPerSecond: number;
    readonly messageBurst: number;
    readonly maxInboundQueue: number;
    readonly maxOutboundQueue: number;
    readonly callTimeoutMs: number;
    readonly maxBackpressureBytes: number;
  };
}

export interface ConnectionIdentity {
  readonly connectionId: string;
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly securityProfile: SecurityProfile;
  readonly leniency: LeniencyProfile | undefined;
}

/** ISO-8601 "now", formatted once per millisecond however many replies need it. */
let isoMs = 0;
let isoText = '';
function isoNow(now: number): string {
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
}

interface HotCounters {
  readonly callAccepted: { inc(): void };
  readonly resultSent: { inc(): void };
}
const hotCounters = new WeakMap<object, Map<string, HotCounters>>();
function hotFor(metrics: GatewayMetrics, action: string): HotCounters {
  let byAction = hotCounters.get(metrics);
  if (!byAction) hotCounters.set(metrics, (byAction = new Map<string, HotCounters>()));
  let hot = byAction.get(action);
  if (!hot) {
    hot = {
      callAccepted: metrics.messages.bind({ action, direction: 'in', type: 'call', outcome: 'accepted' }),
      resultSent: metrics.messages.bind({ action, direction: 'out', type: 'result', outcome: 'sent' }),
    };
    byAction.set(action, hot);
  }
  return hot;
}

/**
 * One station's socket: framing, validation, the inbound CALL queue, the outbound call queue,
 * rate limit and liveness. Holds no business state.
 */
export class StationConnection {
  private readonly connectedAtMs = Date.now();
  lastSeenAt = Date.now();
  lastPingAt = Date.now();
  /** Set when the gateway decided to close, so the close event carries the real reason. */
  closingReason: OfflineReason | undefined;
  closed = false;

  private readonly validator: OcppValidator;
  private readonly rate: TokenBucket;
  private inbound: CallFrame[] | undefined;
  private handlingInbound = false;
  private outboundQueue: OutboundCallQueue | undefined;
  private logger: Logger | undefined;
  private inFlightInbound = 0;

  constructor(
    readonly identity: ConnectionIdentity,
    readonly socket: EngineConnection<unknown>,
    private readonly services: ConnectionServices,
    private readonly rootLogger: Logger,
  ) {
    this.validator = services.validatorFor(identity.protocol);
    this.rate = new TokenBucket(services.limits.messagesPerSecond, services.limits.messageBurst);
  }

  get connectedAt(): Date {
    return new Date(this.connectedAtMs);
  }

  private get log(): Logger {
    return (this.logger ??= this.rootLogger.child({ stationId: this.identity.stationId, connectionId: this.identity.connectionId }));
  }

  private get outbound(): OutboundCallQueue {
    const services = this.services;
    return (this.outboundQueue ??= new OutboundCallQueue(
      services.limits.maxOutboundQueue,
      (frame) => this.transmit(frame),
      (request) => {
        services.metrics.callTimeouts.inc({ action: request.action });
        services.metrics.outboundLatency.observe({ action: request.action, outcome: 'timeout' }, request.timeoutMs / 1000);
        this.log.warn('station did not answer in time', { action: request.action, messageId: request.messageId });
      },
    ));
  }

  get stationId(): string {
    return this.identity.stationId;
  }

  /** Work that a drain waits for: CALLs being handled and CSMS calls awaiting an answer. */
  get busy(): boolean {
    return this.inFlightInbound > 0 || (this.inbound?.length ?? 0) > 0 || (this.outboundQueue?.outstanding ?? false);
  }

  get outboundDepth(): number {
    return this.outboundQueue?.depth ?? 0;
  }

  get inboundDepth(): number {
    return (this.inbound?.length ?? 0) + this.inFlightInbound;
  }

  receive(text: string | null): void {
    this.lastSeenAt = Date.now();
    if (text === null) {
      // OCPP-J is text only; RFC 6455 1003 is "unsupported data".
      this.services.metrics.frameFailures.inc({ reason: 'binary-frame' });
      this.close(1003, 'OCPP-J accepts text frames only', 'protocol-error');
      return;
    }
    const parsed = parseFrame(text, this.identity.protocol);
    if (!parsed.ok) {
      const { failure } = parsed;
      this.services.metrics.frameFailures.inc({ reason: failure.reason });
      this.log.debug('unparseable frame', { reason: failure.reason, description: failure.description });
      // Broken responses are never answered; an unreadable id is answered per version ("-1" in 2.0.1).
      const messageId = callErrorReplyId(this.identity.protocol, failure);
      if (messageId !== null) this.replyError(messageId, 'unknown', failure.kind, failure.description, {});
      return;
    }
    const { frame } = parsed;
    // NUL and unpaired surrogates only arrive as `\u` escapes: frames without one skip the walk.
    const escaped = mayCarryUnstorableText(text);
    switch (frame.type) {
      case MessageType.CALL:
        this.receiveCall(frame, escaped);
        return;
      case MessageType.CALLRESULT:
      case MessageType.CALLERROR:
        this.receiveResponse(frame, escaped);
        return;
    }
  }

  /** `timeoutMs` is capped at the gateway's call timeout: no requester holds the station's one outbound slot longer. */
  call(action: string, payload: Record<string, unknown>, requestedTimeoutMs?: number): Promise<OutboundCallResult> {
    const limit = this.services.limits.callTimeoutMs;
    const timeoutMs = requestedTimeoutMs === undefined ? limit : Math.min(requestedTimeoutMs, limit);
    if (this.closed) return Promise.resolve({ status: 'failed', failure: 'offline', message: 'station connection is closed' });
    const sender = senderOf(this.identity.protocol, action);
    if (sender === undefined || sender === 'ChargingStation') {
      return Promise.resolve({ status: 'failed', failure: 'not-supported', message: `${action} is not a CSMS-initiated action in ${this.identity.protocol}` });
    }
    const validation = this.validator.validateRequest(action, payload);
    if (!validation.ok) {
      return Promise.resolve({ status: 'failed', failure: 'invalid-request', message: validation.description });
    }
    const messageId = randomUUID();
    return new Promise((resolve) => {
      this.outbound.enqueue({ messageId, action, frame: serializeCall(messageId, action, payload), timeoutMs, resolve });
    });
  }

  ping(now: number): void {
    this.lastPingAt = now;
    this.socket.ping();
  }

  pong(): void {
    this.lastSeenAt = Date.now();
  }

  close(code: number, reason: string, why: OfflineReason): void {
    if (this.closed || this.closingReason) return;
    this.closingReason = why;
    this.socket.close(code, reason);
  }

  terminate(why: OfflineReason): void {
    if (this.closed) return;
    this.closingReason ??= why;
    this.socket.terminate();
  }

  /** The engine reported the socket gone. */
  closedBySocket(): void {
    this.closed = true;
    if (this.inbound) this.inbound.length = 0;
    this.outboundQueue?.connectionClosed();
  }

  private receiveCall(frame: CallFrame, escaped: boolean): void {
    const { action, messageId } = frame;
    const metrics = this.services.metrics;
    if (!this.rate.take()) {
      metrics.rateLimited.inc();
      this.replyError(messageId, action, 'GenericError', 'Rate limit exceeded: slow down', {});
      return;
    }
    if (!this.validator.hasAction(action)) {
      this.replyError(messageId, action, 'NotImplemented', `Unknown action "${action}" for ${this.identity.protocol}`, {});
      return;
    }
    const sender = senderOf(this.identity.protocol, action);
    if (sender === 'CSMS') {
      this.replyError(messageId, action, 'NotSupported', `${action} is sent by the CSMS, not by a charging station`, {});
      return;
    }
    const validation = this.validator.validateRequest(action, frame.payload, this.identity.leniency);
    if (!validation.ok) {
      this.replyError(messageId, action, validation.kind, validation.description, validation.details);
      return;
    }
    // Schema-valid but unstorable: refused here, before a service fails to write it. The value is
    // well-formed JSON of the right type, so the field's value is what is wrong.
    const unstorable = escaped ? findUnstorableText(validation.payload) : undefined;
    if (unstorable !== undefined) {
      this.replyError(messageId, action, 'PropertyConstraintViolation', unstorableTextDescription(unstorable), {});
      return;
    }
    if (validation.relaxed.length > 0) this.countRelaxations(validation.relaxed);
    const hot = hotFor(metrics, action);
    hot.callAccepted.inc();

    if (action === 'Heartbeat') {
      // Answered at the edge: the only state it needs is the clock.
      const now = Date.now();
      this.services.events.activity({ stationId: this.stationId, connectionId: this.identity.connectionId, action, at: new Date(now) });
      hot.resultSent.inc();
      this.transmit(`[3,${JSON.stringify(messageId)},{"currentTime":"${isoNow(now)}"}]`);
      return;
    }
    const inbound = (this.inbound ??= []);
    if (inbound.length >= this.services.limits.maxInboundQueue) {
      this.replyError(messageId, action, 'GenericError', 'Too many calls in flight: wait for the answers', {});
      return;
    }
    frame.payload = validation.payload as Record<string, unknown>;
    inbound.push(frame);
    this.pumpInbound();
  }

  /** Station CALLs are handled one at a time, in arrival order, so their effects keep that order. */
  private pumpInbound(): void {
    if (this.handlingInbound) return;
    const frame = this.inbound?.shift();
    if (!frame) return;
    this.handlingInbound = true;
    this.inFlightInbound += 1;
    const started = performance.now();
    const finish = (outcome: 'result' | 'error'): void => {
      this.inFlightInbound -= 1;
      this.handlingInbound = false;
      this.services.metrics.handlerLatency.observe({ action: frame.action, outcome }, (performance.now() - started) / 1000);
      this.pumpInbound();
    };
    this.services.handler
      .handle({
        stationId: this.stationId,
        connectionId: this.identity.connectionId,
        protocol: this.identity.protocol,
        action: frame.action,
        messageId: frame.messageId,
        payload: frame.payload,
        receivedAt: new Date(),
      })
      .then(
        (outcome) => {
          if ('result' in outcome) {
            const check = this.validator.validateResponse(frame.action, outcome.result);
            if (check.ok) {
              this.replyResult(frame.messageId, frame.action, outcome.result);
              finish('result');
              return;
            }
            this.log.error('handler produced an invalid response', { action: frame.action, problem: check.description });
            this.replyError(frame.messageId, frame.action, 'InternalError', 'The CSMS produced an invalid response', {});
          } else {
            this.replyError(frame.messageId, frame.action, outcome.error.kind, outcome.error.description, outcome.error.details ?? {});
          }
          finish('error');
        },
        (error: unknown) => {
          this.log.error('station call handler failed', { action: frame.action, error });
          this.replyError(frame.messageId, frame.action, 'InternalError', 'The CSMS could not process this call', {});
          finish('error');
        },
      );
  }

  private receiveResponse(frame: CallResultFrame | CallErrorFrame, escaped: boolean): void {
    const metrics = this.services.metrics;
    const taken = this.outbound.take(frame.messageId);
    if (taken === 'late' || taken === 'unknown') {
      metrics.strayResponses.inc({ kind: taken });
      this.log.debug('response matches no outstanding call', { kind: taken, messageId: frame.messageId });
      return;
    }
    const { request, elapsedMs } = taken;
    const seconds = elapsedMs / 1000;
    if (frame.type === MessageType.CALLERROR) {
      metrics.messages.inc({ action: request.action, direction: 'in', type: 'error', outcome: 'accepted' });
      // Station-chosen codes are not label values: unknown ones are counted as 'other'.
      const kind = ocppErrorKind(this.identity.protocol, frame.errorCode);
      metrics.callErrors.inc({ code: kind ? ocppErrorCode(this.identity.protocol, kind) : 'other', direction: 'in' });
      metrics.outboundLatency.observe({ action: request.action, outcome: 'error' }, seconds);
      request.resolve({ status: 'error', errorCode: frame.errorCode, errorDescription: frame.errorDescription, errorDetails: frame.errorDetails });
    } else {
      const validation = this.validator.validateResponse(request.action, frame.payload, this.identity.leniency);
      const unstorable = validation.ok && escaped ? findUnstorableText(validation.payload) : undefined;
      if (unstorable !== undefined) {
        metrics.messages.inc({ action: request.action, direction: 'in', type: 'result', outcome: 'rejected' });
        metrics.outboundLatency.observe({ action: request.action, outcome: 'invalid' }, seconds);
        this.log.warn('station answered with unstorable text', { action: request.action, path: unstorable });
        request.resolve({ status: 'failed', failure: 'invalid-response', message: unstorableTextDescription(unstorable) });
      } else if (validation.ok) {
        this.countRelaxations(validation.relaxed);
        metrics.messages.inc({ action: request.action, direction: 'in', type: 'result', outcome: 'accepted' });
        metrics.outboundLatency.observe({ action: request.action, outcome: 'result' }, seconds);
        request.resolve({ status: 'result', payload: validation.payload as Record<string, unknown> });
      } else {
        metrics.messages.inc({ action: request.action, direction: 'in', type: 'result', outcome: 'rejected' });
        metrics.outboundLatency.observe({ action: request.action, outcome: 'invalid' }, seconds);
        this.log.warn('station answered with an invalid payload', { action: request.action, problem: validation.description });
        request.resolve({ status: 'failed', failure: 'invalid-response', message: validation.description });
      }
    }
    this.outbound.next();
  }

  private replyResult(messageId: string, action: string, payload: Record<string, unknown>): void {
    hotFor(this.services.metrics, action).resultSent.inc();
    this.transmit(serializeCallResult(messageId, payload));
  }

  private replyError(messageId: string, action: string, kind: RpcErrorKind, description: string, details: Record<string, unknown>): void {
    const metrics = this.services.metrics;
    // Made-up action names must not become label values (unbounded series).
    metrics.messages.inc({ action: this.validator.hasAction(action) ? action : 'unknown', direction: 'in', type: 'call', outcome: 'rejected' });
    metrics.callErrors.inc({ code: ocppErrorCode(this.identity.protocol, kind), direction: 'out' });
    this.transmit(serializeCallError(this.identity.protocol, messageId, kind, description, details));
  }

  private countRelaxations(relaxed: readonly Relaxation[]): void {
    for (const relaxation of relaxed) {
      this.services.metrics.relaxations.inc({ profile: relaxation.profile, check: relaxation.check, action: relaxation.action });
      this.log.info('leniency relaxation applied', { ...relaxation });
    }
  }

  /** A station that does not read its socket is closed rather than buffered without bound. */
  private transmit(frame: string): boolean {
    if (this.closed) return false;
    const outcome = this.socket.send(frame);
    if (outcome === 'dropped' || this.socket.bufferedAmount() > this.services.limits.maxBackpressureBytes) {
      this.services.metrics.backpressureDrops.inc();
      this.close(1008, 'Send buffer full', 'backpressure');
      return outcome !== 'dropped';
    }
    return true;
  }
}
