import type { CommandFailure, StationCallResult } from '@evcsms/contracts';

/** What a CSMS-initiated call to a station ended with (the contract every requester sees). */
export type OutboundCallResult = StationCallResult;
export type OutboundFailure = CommandFailure;

export interface OutboundRequest {
  readonly messageId: string;
  readonly action: string;
  readonly frame: string;
  /** The requester's whole wait, counted from enqueue: time queued behind other calls included. */
  readonly timeoutMs: number;
  readonly resolve: (result: OutboundCallResult) => void;
}

interface InFlight extends OutboundRequest {
  readonly sentAt: number;
  readonly timer: NodeJS.Timeout;
}

/** The least time a queued call must have left to be sent at all (or half its timeout, if shorter). */
const MIN_ANSWER_MS = 1_000;

function notSent(request: OutboundRequest): string {
  return `not sent: the station was still busy with an earlier call within ${request.timeoutMs} ms`;
}

interface Waiting {
  readonly request: OutboundRequest;
  readonly deadline: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * OCPP-J allows one outstanding CALL per direction: CSMS calls to a station wait here (bounded)
 * until the previous one is answered or times out. A call's timeout runs from the moment it is
 * queued: one that is still waiting when its requester stops waiting is failed and never sent, so
 * a station never executes a command whose outcome nobody is there to record.
 */
export class OutboundCallQueue {
  private current: InFlight | undefined;
  private readonly waiting: Waiting[] = [];
  /** Ids that timed out recently, so a late answer is told apart from a stray one. */
  private readonly timedOut: string[] = [];

  constructor(
    private readonly maxWaiting: number,
    private readonly transmit: (frame: string) => boolean,
    private readonly onTimeout: (request: OutboundRequest, elapsedMs: number) => void,
  ) {}

  get depth(): number {
    return this.waiting.length + (this.current ? 1 : 0);
  }

  get outstanding(): boolean {
    return this.current !== undefined;
  }

  enqueue(request: OutboundRequest): void {
    if (!this.current) {
      this.start(request);
      return;
    }
    if (this.waiting.length >= this.maxWaiting) {
      request.resolve({ status: 'failed', failure: 'queue-full', message: `more than ${this.maxWaiting} calls already queued for this station` });
      return;
    }
    const timer = setTimeout(() => {
      const index = this.waiting.findIndex((waiting) => waiting.request === request);
      if (index === -1) return;
      this.waiting.splice(index, 1);
      request.resolve({ status: 'failed', failure: 'timeout', message: notSent(request) });
    }, request.timeoutMs);
    this.waiting.push({ request, deadline: Date.now() + request.timeoutMs, timer });
  }

  /** Hands back the in-flight call a response belongs to, or says why none does. */
  take(messageId: string): { request: OutboundRequest; elapsedMs: number } | 'late' | 'unknown' {
    const current = this.current;
    if (!current || current.messageId !== messageId) return this.timedOut.includes(messageId) ? 'late' : 'unknown';
    clearTimeout(current.timer);
    this.current = undefined;
    return { request: current, elapsedMs: Date.now() - current.sentAt };
  }

  /**
   * After a response or a timeout: send the next waiting call that still has time for an answer.
   * One with less than a second (or half its timeout, if shorter) left is failed unsent: the
   * station would likely execute it after its requester had been told it timed out.
   */
  next(): void {
    for (let following = this.waiting.shift(); following; following = this.waiting.shift()) {
      clearTimeout(following.timer);
      const { request } = following;
      const left = following.deadline - Date.now();
      if (left >= Math.min(MIN_ANSWER_MS, request.timeoutMs / 2)) {
        this.start(request, left);
        return;
      }
      request.resolve({ status: 'failed', failure: 'timeout', message: notSent(request) });
    }
  }

  /**
   * The connection closed: the call on the wire was delivered and may have been acted on, so it is
   * told apart from the waiting ones that never left (safe to retry).
   */
  connectionClosed(): void {
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.resolve({ status: 'failed', failure: 'delivered-no-answer', message: 'the call was sent and the station disconnected before answering' });
      this.current = undefined;
    }
    for (const { request, timer } of this.waiting.splice(0)) {
      clearTimeout(timer);
      request.resolve({ status: 'failed', failure: 'connection-closed', message: 'not sent: the station disconnected first' });
    }
  }

  private start(request: OutboundRequest, timeoutMs = request.timeoutMs): void {
    const timer = setTimeout(() => {
      if (this.current?.messageId !== request.messageId) return;
      this.current = undefined;
      this.timedOut.push(request.messageId);
      if (this.timedOut.length > 16) this.timedOut.shift();
      this.onTimeout(request, request.timeoutMs);
      request.resolve({ status: 'failed', failure: 'timeout', message: `no answer within ${request.timeoutMs} ms` });
      this.next();
    }, timeoutMs);
    this.current = { ...request, sentAt: Date.now(), timer };
    if (!this.transmit(request.frame)) {
      clearTimeout(timer);
      this.current = undefined;
      request.resolve({ status: 'failed', failure: 'connection-closed', message: 'the station connection could not take the frame' });
      this.next();
    }
  }
}
