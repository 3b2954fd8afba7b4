import type { MessageBus } from '@evcsms/bus';
import { ackResponse, DEFAULT_TENANT, ENVELOPE_VERSION, replyModeOf, TOPICS, type ReplyMode, type StationCallEnvelope } from '@evcsms/contracts';
import type { InboundCall, InboundCallOutcome, StationCallHandler } from '@evcsms/gateway';
import { Waiters } from './waiters';

export interface BusCallHandlerOptions {
  readonly podId: string;
  /** How long the station waits for the bus (ack) or the owning service (reply) before InternalError. */
  readonly replyTimeoutMs: number;
  /**
   * 'published': acknowledgement-only calls are answered once the bus holds them (Kafka: durable).
   * 'processed': every call waits for the service (the in-process bus lives in memory, so only
   * the database makes a message durable there).
   */
  readonly acknowledgeWhen: 'published' | 'processed';
}

const UNAVAILABLE: InboundCallOutcome = {
  error: { kind: 'InternalError', description: 'The CSMS could not make this message durable in time; please retry' },
};

/**
 * The gateway's handler port in distributed mode. A station is answered only after its message
 * is durable: 'ack' calls once the bus has accepted them, 'reply' calls once the owning service
 * made them durable and decided. If that does not happen in time, the station gets
 * InternalError and sends again; nothing is acknowledged that was not kept.
 */
export class BusStationCallHandler implements StationCallHandler {
  private readonly replies = new Waiters<InboundCallOutcome>();

  constructor(
    private readonly bus: MessageBus,
    private readonly options: BusCallHandlerOptions,
  ) {}

  async handle(call: InboundCall): Promise<InboundCallOutcome> {
    const replyMode = this.options.acknowledgeWhen === 'processed' ? 'reply' : replyModeOf(call.protocol, call.action, call.payload);
    const envelope: StationCallEnvelope = {
      ...stationCallEnvelope(call, this.options.podId, replyMode),
      ...(replyMode === 'reply' ? { answerBy: new Date(call.receivedAt.getTime() + this.options.replyTimeoutMs).toISOString() } : {}),
    };
    const reply =
      replyMode === 'reply' ? this.replies.wait(replyKey(call.connectionId, call.messageId), this.options.replyTimeoutMs, () => UNAVAILABLE) : undefined;
    try {
      await withTimeout(this.bus.publish(TOPICS.stationCalls, [{ key: call.stationId, value: JSON.stringify(envelope) }]), this.options.replyTimeoutMs);
    } catch {
      if (reply) this.replies.settle(replyKey(call.connectionId, call.messageId), UNAVAILABLE);
      return UNAVAILABLE;
    }
    return reply ?? { result: ackResponse() };
  }

  /** A service's answer arrived on this pod's channel. */
  deliverReply(connectionId: string, messageId: string, outcome: InboundCallOutcome): boolean {
    return this.replies.settle(replyKey(connectionId, messageId), outcome);
  }

  close(): void {
    this.replies.settleAll(() => UNAVAILABLE);
  }
}

/** A station CALL as it goes on the bus. */
export function stationCallEnvelope(call: InboundCall, podId: string, replyMode: ReplyMode): StationCallEnvelope {
  return {
    v: ENVELOPE_VERSION,
    type: 'station-call',
    stationId: call.stationId,
    tenantId: DEFAULT_TENANT,
    protocol: call.protocol,
    action: call.action,
    messageId: call.messageId,
    podId,
    connectionId: call.connectionId,
    receivedAt: call.receivedAt.toISOString(),
    replyMode,
    payload: call.payload,
  };
}

function replyKey(connectionId: string, messageId: string): string {
  return `${connectionId}\u0000${messageId}`;
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
