import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  callErrorReplyId,
  getValidator,
  parseFrame,
  serializeCall,
  serializeCallError,
  serializeCallResult,
  validateCall,
  type CallFrame,
  type OcppVersion,
  type RpcErrorKind,
} from '@evcsms/ocpp';
import WebSocket from 'ws';
import type { StationStats } from '../stats/station-stats';
import { CallErrorResponse, CallTimeout, ConnectionLost, ProtocolViolationError } from './rpc-errors';
import { applyQuirks, leniencyFor, type VendorQuirk } from './vendor-quirks';

/** What a station does with a CALL from the CSMS: the response, and work to do once it is sent. */
export interface InboundCallOutcome {
  readonly response: Record<string, unknown>;
  /** Runs after the CALLRESULT is on the wire (e.g. reboot after Reset, NotifyReport after GetBaseReport). */
  readonly after?: () => void;
}

export type InboundCallHandler = (action: string, payload: Record<string, unknown>) => Promise<InboundCallOutcome | undefined>;

/** A handler throws this to answer with a specific CALLERROR. */
export class RejectCall extends Error {
  constructor(
    readonly kind: RpcErrorKind,
    description: string,
  ) {
    super(description);
  }
}

export interface OcppConnectionOptions {
  readonly url: string;
  readonly stationId: string;
  readonly protocol: OcppVersion;
  readonly localAddress?: string;
  readonly quirks: ReadonlySet<VendorQuirk>;
  readonly callTimeoutMs: number;
  readonly stats: StationStats;
  readonly onCall: InboundCallHandler;
  readonly onClose: (code: number, reason: string) => void;
  readonly basicAuthPassword?: string;
}

interface Pending {
  readonly action: string;
  readonly sentAt: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (payload: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One OCPP-J WebSocket as a charging station holds it. Every frame either way is schema-checked:
 * our own CALLs and CALLRESULTs strictly (failure = simulator bug: thrown, recorded, never sent),
 * the CSMS's CALLs as a receiver must (answered with the right CALLERROR), its CALLRESULTs against
 * the response schema (failure recorded against the CSMS).
 */
export class OcppConnection {
  private socket: WebSocket | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly validator;
  private readonly leniency;
  private closedByUs = false;

  constructor(private readonly options: OcppConnectionOptions) {
    this.validator = getValidator(options.protocol);
    this.leniency = options.quirks.size ? leniencyFor(options.quirks) : undefined;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  open(): Promise<void> {
    const { url, stationId, protocol, localAddress, basicAuthPassword } = this.options;
    const target = `${url.replace(/\/+$/, '')}/${encodeURIComponent(stationId)}`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(target, [protocol], {
        ...(localAddress ? { localAddress } : {}),
        ...(basicAuthPassword ? { headers: { authorization: `Basic ${Buffer.from(`${stationId}:${basicAuthPassword}`).toString('base64')}` } } : {}),
        handshakeTimeout: this.options.callTimeoutMs,
        perMessageDeflate: false,
      });
      this.socket = socket;
      let opened = false;
      socket.once('open', () => {
        if (socket.protocol !== protocol) {
          socket.terminate();
          reject(new Error(`the CSMS chose subprotocol "${socket.protocol}" instead of ${protocol}`));
          return;
        }
        opened = true;
        resolve();
      });
      socket.once('unexpected-response', (_request, response) => {
        socket.terminate();
        reject(new Error(`upgrade refused with HTTP ${response.statusCode ?? 0}`));
      });
      socket.on('error', (error) => {
        if (!opened) reject(error);
      });
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.receive((data as Buffer).toString('utf8'));
      });
      socket.once('close', (code, reason) => {
        this.failPending();
        if (this.socket === socket) this.socket = undefined;
        if (opened && !this.closedByUs) this.options.onClose(code, reason.toString());
      });
    });
  }

  /** Sends a CALL and resolves with the CSMS's (validated) CALLRESULT payload. */
  call(action: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { stats } = this.options;
    const checked = this.validator.validateRequest(action, payload);
    if (!checked.ok) return Promise.reject(this.violation('simulator', action, 'request', checked.description));
    const wire = applyQuirks(payload, this.options.quirks);
    if (this.leniency) {
      const quirky = this.validator.validateRequest(action, wire, this.leniency);
      if (!quirky.ok) return Promise.reject(this.violation('simulator', action, 'request', `quirk not covered by leniency: ${quirky.description}`));
    }
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new ConnectionLost(action));
    const messageId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        stats.callTimeouts += 1;
        reject(new CallTimeout(action, this.options.callTimeoutMs));
      }, this.options.callTimeoutMs);
      this.pending.set(messageId, { action, sentAt: performance.now(), timer, resolve, reject });
      stats.callsSent += 1;
      this.sendText(serializeCall(messageId, action, wire));
    });
  }

  /** Closes normally: no reconnect follows. */
  close(code = 1000): void {
    this.closedByUs = true;
    this.socket?.close(code);
    this.failPending();
  }

  /** Drops the TCP connection without a close frame (a power cut, a lost network), as the CSMS sees it. */
  drop(): void {
    this.socket?.terminate();
  }

  private sendText(text: string): void {
    this.options.stats.framesSent += 1;
    this.socket?.send(text);
  }

  private receive(text: string): void {
    const { stats, protocol } = this.options;
    stats.framesReceived += 1;
    const parsed = parseFrame(text, protocol);
    if (!parsed.ok) {
      const replyId = callErrorReplyId(protocol, parsed.failure);
      this.record('csms', 'frame', 'request', parsed.failure.description);
      if (replyId !== null) this.sendText(serializeCallError(protocol, replyId, parsed.failure.kind, parsed.failure.description));
      return;
    }
    const { frame } = parsed;
    switch (frame.type) {
      case 2:
        void this.answer(frame);
        return;
      case 3:
      case 4: {
        const pending = this.pending.get(frame.messageId);
        if (!pending) return;
        this.pending.delete(frame.messageId);
        clearTimeout(pending.timer);
        stats.latency.recordMs(performance.now() - pending.sentAt);
        if (frame.type === 4) {
          stats.callErrors += 1;
          const key = `${pending.action}:${frame.errorCode}`;
          stats.errorCodes[key] = (stats.errorCodes[key] ?? 0) + 1;
          pending.reject(new CallErrorResponse(pending.action, frame.errorCode, frame.errorDescription, frame.errorDetails));
          return;
        }
        stats.callResults += 1;
        const checked = this.validator.validateResponse(pending.action, frame.payload);
        if (!checked.ok) {
          pending.reject(this.violation('csms', pending.action, 'response', checked.description));
          return;
        }
        pending.resolve(frame.payload);
        return;
      }
    }
  }

  private async answer(frame: CallFrame): Promise<void> {
    const { protocol, stats } = this.options;
    stats.callsReceived += 1;
    const checked = validateCall(protocol, frame, { from: 'CSMS' });
    if (!checked.ok) {
      this.record('csms', frame.action, 'request', checked.description);
      this.sendText(serializeCallError(protocol, frame.messageId, checked.kind, checked.description, checked.details));
      return;
    }
    let outcome: InboundCallOutcome | undefined;
    try {
      outcome = await this.options.onCall(frame.action, frame.payload);
    } catch (error) {
      const kind = error instanceof RejectCall ? error.kind : 'InternalError';
      this.sendText(serializeCallError(protocol, frame.messageId, kind, error instanceof Error ? error.message : String(error)));
      return;
    }
    if (!outcome) {
      // Known to the version, valid, but this charger does not do it.
      this.sendText(serializeCallError(protocol, frame.messageId, 'NotSupported', `${frame.action} is not supported by this charging station`));
      return;
    }
    const response = this.validator.validateResponse(frame.action, outcome.response);
    if (!response.ok) {
      // Never put an invalid answer on the wire: the CSMS gets an InternalError and the test a violation.
      this.violation('simulator', frame.action, 'response', response.description);
      this.sendText(serializeCallError(protocol, frame.messageId, 'InternalError', 'the simulator built an invalid response'));
      return;
    }
    this.sendText(serializeCallResult(frame.messageId, applyQuirks(outcome.response, this.options.quirks)));
    outcome.after?.();
  }

  private violation(culprit: 'simulator' | 'csms', action: string, direction: 'request' | 'response', description: string): ProtocolViolationError {
    this.record(culprit, action, direction, description);
    return new ProtocolViolationError(culprit, action, direction, description);
  }

  private record(culprit: 'simulator' | 'csms', action: string, direction: 'request' | 'response', description: string): void {
    this.options.stats.violations.push({ stationId: this.options.stationId, culprit, action, direction, description });
  }

  private failPending(): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(new ConnectionLost(pending.action));
    }
  }
}
