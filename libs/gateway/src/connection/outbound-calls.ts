import type { CommandFailure, StationCallResult } from '@evcsms/contracts';

/** What a CSMS-initiated call to a station ended with (the contract every requester sees). */
export type OutboundCallResult = StationCallResult;
export type OutboundFailure = CommandFailure;

export interface OutboundRequest {
  readonly messageId: string;
  readonly action: string;
  readonly frame: string;
  readonly timeoutMs: number;
  readonly resolve: (result: OutboundCallResult) => void;
}

interface InFlight extends OutboundRequest {
  readonly sentAt: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * OCPP-J allows one outstanding CALL per direction: CSMS calls to a station wait here (bounded)
 * until the previous one is answered or times out.
 */
export class OutboundCallQueue {
  private current: InFlight | undefined;
  private readonly waiting: OutboundRequest[] = [];
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
    this.waiting.push(request);
  }

  /** Hands back the in-flight call a response belongs to, or says why none does. */
  take(messageId: string): { request: OutboundRequest; elapsedMs: number } | 'late' | 'unknown' {
    const current = this.current;
    if (!current || current.messageId !== messageId) return this.timedOut.includes(messageId) ? 'late' : 'unknown';
    clearTimeout(current.timer);
    this.current = undefined;
    return { request: current, elapsedMs: Date.now() - current.sentAt };
  }

  /** After a response is handled: send the next waiting call. */
  next(): void {
    const following = this.waiting.shift();
    if (following) this.start(following);
  }

  failAll(failure: OutboundFailure, message: string): void {
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.resolve({ status: 'failed', failure, message });
      this.current = undefined;
    }
    for (const request of this.waiting.splice(0)) request.resolve({ status: 'failed', failure, message });
  }

  private start(request: OutboundRequest): void {
    const timer = setTimeout(() => {
      if (this.current?.messageId !== request.messageId) return;
      this.current = undefined;
      this.timedOut.push(request.messageId);
      if (this.timedOut.length > 16) this.timedOut.shift();
      this.onTimeout(request, request.timeoutMs);
      request.resolve({ status: 'failed', failure: 'timeout', message: `no answer within ${request.timeoutMs} ms` });
      this.next();
    }, request.timeoutMs);
    this.current = { ...request, sentAt: Date.now(), timer };
    if (!this.transmit(request.frame)) {
      clearTimeout(timer);
      this.current = undefined;
      request.resolve({ status: 'failed', failure: 'connection-closed', message: 'the station connection could not take the frame' });
      this.next();
    }
  }
}
