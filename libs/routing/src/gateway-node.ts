import type { MessageBus } from '@evcsms/bus';
import { DEFAULT_TENANT, ENVELOPE_VERSION } from '@evcsms/contracts';
import { EdgeAuthorizingHandler, OcppGateway, type GatewayOptions, type StationCredentialStore } from '@evcsms/gateway';
import type { Logger } from '@evcsms/logging';
import type { MetricsRegistry } from '@evcsms/metrics';
import type { ConnectionRegistry, PendingCommandStore, PodChannel } from '@evcsms/registry';
import type { WebSocketEngine } from '@evcsms/ws-engine';
import { BusStationCallHandler } from './bus-call.handler';
import { CommandRouter } from './command-router';
import { EdgeDecisionOutbox } from './edge-decision-outbox';
import { PodInbox } from './pod-inbox';
import { PresenceOutbox } from './presence-outbox';
import { StationPresence } from './station-presence';

export interface GatewayNodeOptions {
  readonly gateway: GatewayOptions;
  /** The pod's lease in the registry; its stations go offline this long after it dies. */
  readonly leaseMs: number;
  /** How long a station waits for the bus or the owning service before InternalError. */
  readonly replyTimeoutMs: number;
  /** See BusCallHandlerOptions: 'processed' when the bus is not durable (embedded mode). */
  readonly acknowledgeWhen?: 'published' | 'processed';
}

export interface GatewayNodeDependencies {
  readonly engine: WebSocketEngine;
  readonly tlsEngine?: WebSocketEngine;
  readonly credentials: StationCredentialStore;
  readonly bus: MessageBus;
  readonly registry: ConnectionRegistry;
  /** Health of everything behind the registry and channel (e.g. both Redis connections). */
  readonly registryHealth?: () => { readonly healthy: boolean };
  readonly channel: PodChannel;
  readonly pendingCommands: PendingCommandStore;
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
}

export const DEFAULT_LEASE_MS = 15_000;

/**
 * One gateway pod wired into the spine: station CALLs to the bus, replies and commands from its
 * pod channel, presence to the registry and the bus, a lease that keeps its stations visible,
 * and a share of the work of noticing pods that died.
 */
export class GatewayNode {
  readonly gateway: OcppGateway;
  readonly router: CommandRouter;
  readonly inbox: PodInbox;
  private readonly handler: BusStationCallHandler;
  private readonly outbox: PresenceOutbox;
  private readonly edgeDecisions: EdgeDecisionOutbox;
  private readonly presence: StationPresence;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly options: GatewayNodeOptions,
    private readonly deps: GatewayNodeDependencies,
  ) {
    const podId = options.gateway.podId;
    const logger = deps.logger.child({ podId });
    this.inbox = new PodInbox(podId, deps.channel, logger);
    this.outbox = new PresenceOutbox(deps.bus, logger, { flushIntervalMs: 20, maxBatch: 500, maxQueued: 200_000 });
    this.handler = new BusStationCallHandler(deps.bus, { podId, replyTimeoutMs: options.replyTimeoutMs, acknowledgeWhen: options.acknowledgeWhen ?? 'published' });
    this.edgeDecisions = new EdgeDecisionOutbox(deps.bus, podId, logger, { retryIntervalMs: 1_000, maxQueued: 100_000 });
    this.presence = new StationPresence(podId, deps.registry, deps.pendingCommands, this.outbox, this.inbox, logger);
    this.gateway = new OcppGateway(options.gateway, {
      engine: deps.engine,
      ...(deps.tlsEngine ? { tlsEngine: deps.tlsEngine } : {}),
      handler: new EdgeAuthorizingHandler(
        this.handler,
        { ...options.gateway.authorizeAtEdge, replyBudgetMs: options.replyTimeoutMs },
        this.edgeDecisions,
        deps.metrics,
        logger,
      ),
      events: this.presence,
      credentials: deps.credentials,
      metrics: deps.metrics,
      logger,
    });
    this.presence.attach(this.gateway);
    this.router = new CommandRouter(deps.registry, deps.pendingCommands, this.inbox);
    this.gateway.setDependencyCheck(() => ({ bus: deps.bus.health().healthy, registry: (deps.registryHealth ? deps.registryHealth() : deps.registry.health()).healthy }));

    this.inbox.on('call-reply', (message) => this.handler.deliverReply(message.connectionId, message.messageId, message.outcome));
    this.inbox.on('evict', (message) => this.gateway.evict(message.stationId, message.connectionId));
    this.inbox.on('credentials-changed', (message) => this.gateway.credentialsChanged(message.stationId, message.close));
    this.inbox.on('command', (message) => {
      void this.gateway
        .call(message.stationId, message.action, message.payload, { timeoutMs: message.timeoutMs })
        .then((result) => this.inbox.send(message.replyTo, { type: 'command-result', commandId: message.commandId, result }))
        .catch((error: unknown) => logger.warn('could not return a command result', { commandId: message.commandId, error }));
    });
    deps.registry.onReset(() => {
      // Drop whatever of ours survived (sockets closed while we were cut off), then start over.
      void this.renewLease()
        .then(() => deps.registry.releasePod(podId))
        .then(() => this.renewLease())
        .then(() => this.presence.reregisterAll())
        .then(
          (count) => logger.warn('registry was reset or our lease lapsed; stations registered again', { count }),
          (error: unknown) => logger.error('re-registration after a registry reset failed', { error }),
        );
    });
  }

  async start(): Promise<{ port: number; tlsPort?: number }> {
    await this.renewLease();
    await this.inbox.start();
    this.outbox.start();
    this.edgeDecisions.start();
    const ports = await this.gateway.start();
    const { leaseMs } = this.options;
    this.every(Math.max(50, leaseMs / 3), () => this.renewLease());
    this.every(Math.max(50, leaseMs / 2), () => this.reapDeadPods());
    return ports;
  }

  /** SIGTERM: drain the sockets, hand the lease back, flush presence, stop listening. */
  async drain(): Promise<void> {
    await this.gateway.drain();
    await this.shutdown();
  }

  /** Immediate stop (tests, fatal errors). */
  async close(): Promise<void> {
    await this.gateway.close();
    await this.shutdown();
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.presence.idle();
    await this.deps.registry.releasePod(this.options.gateway.podId).catch(() => undefined);
    await this.outbox.stop(5_000);
    await this.edgeDecisions.stop(2_000);
    this.handler.close();
    this.router.close();
    await this.inbox.stop();
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      task().catch((error: unknown) => this.deps.logger.warn('periodic registry task failed', { error }));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private renewLease(): Promise<void> {
    return this.deps.registry.renewPodLease(this.options.gateway.podId, this.options.leaseMs);
  }

  /** Stations of a dead pod go offline here, once (the registry gives each dead pod to one reaper). */
  private async reapDeadPods(): Promise<void> {
    const dead = await this.deps.registry.reapDeadPods();
    const at = new Date().toISOString();
    for (const pod of dead) {
      this.deps.logger.warn('gateway pod lost; its stations are offline', { deadPod: pod.podId, stations: pod.stations.length });
      for (const station of pod.stations) {
        this.outbox.add({
          v: ENVELOPE_VERSION,
          type: 'station-offline',
          stationId: station.stationId,
          tenantId: DEFAULT_TENANT,
          podId: pod.podId,
          connectionId: station.connectionId,
          protocol: station.protocol,
          at,
          reason: 'gateway-lost',
          closeCode: 1006,
        });
      }
    }
  }
}
