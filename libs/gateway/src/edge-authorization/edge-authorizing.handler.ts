import { createHash } from 'node:crypto';
import type { EdgeAuthorization } from '@evcsms/contracts';
import type { Logger } from '@evcsms/logging';
import type { MetricsRegistry } from '@evcsms/metrics';
import type { InboundCall, InboundCallOutcome, StationCallHandler } from '../gateway.ports';
import { authorizeAnswer, statusOfAnswer, tokenKeyOf, tokenOf } from './authorize-payloads';
import { decideAtEdge, TokenStatusCache, type UnknownTokenPolicy } from './token-status-cache';

export interface AuthorizeAtEdgeOptions {
  /** Answer at the edge once the service has used this share of the reply budget; 0: never. */
  readonly fallbackPercent: number;
  readonly maxAgeMs: number;
  readonly unknownPolicy: UnknownTokenPolicy;
  readonly maxEntries: number;
}

/** Where edge decisions go so the owning service can record them (the bus, once it takes them). */
export interface EdgeDecisionSink {
  record(call: InboundCall, decision: EdgeAuthorization): void;
}

/**
 * Authorize during outages. Every Authorize answer that passes through fills a bounded token
 * cache (one Map set); when the owning service does not answer within its share of the budget,
 * or the bus refuses the message, the station is answered from that cache (or the unknown-token
 * policy) instead of InternalError, the decision is counted, logged and handed to the sink.
 * The station gets exactly one answer: a reply arriving after the edge answered only updates
 * the cache. Only Authorize: StartTransaction / TransactionEvent start sessions and hand out
 * transaction ids, which only the service can do.
 */
export class EdgeAuthorizingHandler implements StationCallHandler {
  private readonly cache: TokenStatusCache;
  private readonly fallbackAfterMs: number;
  private readonly decisions;

  constructor(
    private readonly inner: StationCallHandler,
    private readonly options: AuthorizeAtEdgeOptions & { readonly replyBudgetMs: number },
    private readonly sink: EdgeDecisionSink,
    metrics: MetricsRegistry,
    private readonly logger: Logger,
  ) {
    this.cache = new TokenStatusCache(options.maxEntries);
    this.fallbackAfterMs = Math.round((options.replyBudgetMs * options.fallbackPercent) / 100);
    this.decisions = metrics.counter('ocpp_gateway_edge_authorizations_total', 'Authorize answered by the gateway because the CSMS could not answer in time', [
      'outcome',
      'reason',
      'trigger',
    ] as const);
  }

  get cachedTokens(): number {
    return this.cache.size;
  }

  handle(call: InboundCall): Promise<InboundCallOutcome> {
    if (call.action !== 'Authorize' || this.fallbackAfterMs <= 0) return this.inner.handle(call);
    const key = tokenKeyOf(call.protocol, call.payload);
    if (key === undefined) return this.inner.handle(call);
    return new Promise((resolve) => {
      let answered: string | undefined;
      const answerAtEdge = (trigger: EdgeAuthorization['reason']): void => {
        if (answered !== undefined) return;
        clearTimeout(timer);
        const outcome = this.answerAtEdge(call, key, trigger);
        answered = outcome.status;
        resolve({ result: authorizeAnswer(call.protocol, outcome.status) });
      };
      const timer = setTimeout(() => answerAtEdge('timeout'), this.fallbackAfterMs);
      this.inner.handle(call).then(
        (outcome) => {
          const learned = 'result' in outcome ? this.learn(call, key, outcome.result) : undefined;
          if (answered === undefined && 'error' in outcome && outcome.error.kind === 'InternalError') {
            answerAtEdge('unavailable');
          } else if (answered === undefined) {
            clearTimeout(timer);
            answered = learned ?? 'service';
            resolve(outcome);
          } else if (learned !== undefined && learned !== answered) {
            this.logger.warn('the CSMS answered an Authorize after the gateway did, differently', {
              stationId: call.stationId,
              messageId: call.messageId,
              answeredAtEdge: answered,
              serviceAnswer: learned,
            });
          }
        },
        () => answerAtEdge('unavailable'),
      );
    });
  }

  private learn(call: InboundCall, key: string, result: Record<string, unknown>): string | undefined {
    const answer = statusOfAnswer(call.protocol, result);
    // ConcurrentTx says where the token is charging now, not what the token is: not kept.
    if (answer && answer.status !== 'ConcurrentTx') this.cache.remember(key, { status: answer.status, learnedAt: Date.now(), expiresAt: answer.expiresAt });
    return answer?.status;
  }

  private answerAtEdge(call: InboundCall, key: string, trigger: EdgeAuthorization['reason']): { status: string } {
    const now = Date.now();
    const answer = decideAtEdge(this.cache.lookup(key), now, this.options);
    const outcome = answer.status === 'Accepted' ? 'accepted' : 'rejected';
    this.decisions.inc({ outcome, reason: answer.basis, trigger });
    // Tokens are card numbers: the log carries a short hash an operator can compute from a known token.
    this.logger.info('Authorize answered at the edge', {
      stationId: call.stationId,
      messageId: call.messageId,
      idHash: idHashOf(tokenOf(call.protocol, call.payload)),
      status: answer.status,
      reason: answer.basis,
      trigger,
      ...(answer.entry ? { cachedAgeMs: now - answer.entry.learnedAt } : {}),
    });
    this.sink.record(call, {
      status: answer.status,
      source: answer.basis === 'stale' || answer.basis === 'unknown' ? 'policy' : 'cached',
      reason: trigger,
      decidedAt: new Date(now).toISOString(),
      ...(answer.entry ? { learnedAt: new Date(answer.entry.learnedAt).toISOString() } : {}),
    });
    return answer;
  }
}

/** First 12 hex digits of SHA-256 over the lower-cased token (tokens are case-insensitive). */
export function idHashOf(token: string): string {
  return createHash('sha256').update(token.toLowerCase()).digest('hex').slice(0, 12);
}
