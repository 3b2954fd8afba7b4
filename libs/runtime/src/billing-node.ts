import { isTimeZone } from '@evcsms/billing';
import type { MessageBus } from '@evcsms/bus';
import { BillingConsumer, BILLING_GROUP, createBillingMetrics, SessionBillingProcessor, type StationCommandPort } from '@evcsms/billing-service';
import { ConfigError, envBool, envInt, envString, type Env } from '@evcsms/config';
import type { DataSource } from '@evcsms/data-access';
import type { Logger } from '@evcsms/logging';
import type { MetricsRegistry } from '@evcsms/metrics';

export interface BillingNodeOptions {
  /** IANA zone tariff restrictions are read in for stations without a site (env BILLING_TIME_ZONE; default 'UTC'). */
  readonly timeZone?: string;
  /** CostUpdated to 2.0.1 stations goes through this (the CommandRouter); none: not sent. */
  readonly stationCommands?: StationCommandPort;
  readonly costUpdateIntervalMs?: number;
  readonly groupId?: string;
  /** CDRs issued, pricing failures and events applied go here when given. */
  readonly metrics?: MetricsRegistry;
}

/**
 * The billing service wired to the spine: its own consumer group on the session events. Scale it
 * by running more replicas; the CDR's unique key keeps one CDR per session whoever processes it.
 */
export class BillingNode {
  private readonly consumer: BillingConsumer;

  constructor(dataSource: DataSource, bus: MessageBus, logger: Logger, options: BillingNodeOptions = {}) {
    const metrics = options.metrics ? createBillingMetrics(options.metrics) : undefined;
    const processor = new SessionBillingProcessor(dataSource, { timeZone: options.timeZone ?? 'UTC', logger, ...(metrics ? { metrics } : {}) });
    this.consumer = new BillingConsumer(bus, processor, {
      groupId: options.groupId ?? BILLING_GROUP,
      ...(options.stationCommands ? { stationCommands: options.stationCommands } : {}),
      ...(options.costUpdateIntervalMs !== undefined ? { costUpdateIntervalMs: options.costUpdateIntervalMs } : {}),
      logger,
      ...(metrics ? { metrics } : {}),
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

export interface BillingEnvConfig {
  readonly timeZone: string;
  readonly costUpdates: boolean;
  readonly costUpdateIntervalMs: number;
}

/**
 * BILLING_TIME_ZONE (IANA, default UTC: the zone of stations without a site; a site's own zone wins),
 * BILLING_COST_UPDATES (send CostUpdated to 2.0.1 stations, default true) and
 * BILLING_COST_UPDATE_INTERVAL_MS (at most one per session this often, default 60000).
 */
export function billingConfigFromEnv(env: Env): BillingEnvConfig {
  const timeZone = envString(env, 'BILLING_TIME_ZONE', 'UTC');
  if (!isTimeZone(timeZone)) throw new ConfigError('BILLING_TIME_ZONE', `${timeZone} is not an IANA time zone`);
  return {
    timeZone,
    costUpdates: envBool(env, 'BILLING_COST_UPDATES', true),
    costUpdateIntervalMs: envInt(env, 'BILLING_COST_UPDATE_INTERVAL_MS', 60_000, { min: 0 }),
  };
}
