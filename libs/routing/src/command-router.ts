import { randomUUID } from 'node:crypto';
import type { CommandResult } from '@evcsms/contracts';
import type { ConnectionRegistry, PendingCommandStore } from '@evcsms/registry';
import type { PodInbox } from './pod-inbox';
import { Waiters } from './waiters';

export interface SendCommandOptions {
  /** How long the station has to answer (default 30 s). */
  readonly timeoutMs?: number;
  /** Keep the command for an offline station and deliver it when it reconnects. */
  readonly queueIfOffline?: boolean;
  /** How long a queued command stays deliverable (default 24 h). */
  readonly ttlMs?: number;
}

/** Slack for the trip to the gateway pod and back, on top of the station's own timeout. */
const ROUTING_MARGIN_MS = 2_000;

/**
 * Sends a command to any station from any process: finds the pod holding the station in the
 * registry, asks that pod to make the call, and waits for the result on its own pod channel.
 * The pod holding the socket serialises calls, so a station never has two outstanding CALLs.
 */
export class CommandRouter {
  private readonly results = new Waiters<CommandResult>();

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly pending: PendingCommandStore,
    private readonly inbox: PodInbox,
  ) {
    inbox.on('command-result', (message) => this.results.settle(message.commandId, message.result));
  }

  async send(stationId: string, action: string, payload: Record<string, unknown>, options: SendCommandOptions = {}): Promise<CommandResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const location = await this.registry.lookup(stationId);
    if (!location) return options.queueIfOffline ? this.queue(stationId, action, payload, options) : offline(stationId);

    const commandId = randomUUID();
    const result = this.results.wait(commandId, timeoutMs + ROUTING_MARGIN_MS, () => ({
      status: 'failed',
      failure: 'timeout',
      message: `no result from gateway ${location.podId} within ${timeoutMs + ROUTING_MARGIN_MS} ms`,
    }));
    try {
      await this.inbox.send(location.podId, { type: 'command', commandId, stationId, action, payload, timeoutMs, replyTo: this.inbox.podId });
    } catch (error) {
      this.results.settle(commandId, { status: 'failed', failure: 'offline', message: `gateway ${location.podId} unreachable: ${String(error)}` });
    }
    const outcome = await result;
    if (outcome.status === 'failed' && outcome.failure === 'offline' && options.queueIfOffline) {
      return this.queue(stationId, action, payload, options);
    }
    return outcome;
  }

  /**
   * Tells every live gateway pod that a station's credentials changed, so each drops its cached
   * copy (a station may reconnect through any pod), and with `close` (deleted) the pod holding
   * it closes the socket. At most once per pod, like every pod message: a pod that misses it
   * reads the credentials afresh when its cache entry expires (OCPP_CREDENTIAL_CACHE_MS).
   * Resolves with the number of pods told.
   */
  async credentialsChanged(stationId: string, options: { readonly close: boolean }): Promise<number> {
    const pods = await this.registry.livePods();
    const sent = await Promise.allSettled(pods.map((podId) => this.inbox.send(podId, { type: 'credentials-changed', stationId, close: options.close })));
    return sent.filter((outcome) => outcome.status === 'fulfilled').length;
  }

  close(): void {
    this.results.settleAll(() => ({ status: 'failed', failure: 'timeout', message: 'router closed' }));
  }

  private async queue(stationId: string, action: string, payload: Record<string, unknown>, options: SendCommandOptions): Promise<CommandResult> {
    const now = Date.now();
    const commandId = randomUUID();
    const expiresAt = new Date(now + (options.ttlMs ?? 24 * 3_600_000)).toISOString();
    await this.pending.enqueue({ commandId, stationId, action, payload, expiresAt, createdAt: new Date(now).toISOString() });
    // The station may have connected between our lookup and the enqueue: nudge its pod.
    const location = await this.registry.lookup(stationId);
    if (location) await this.inbox.send(location.podId, { type: 'deliver-pending', stationId }).catch(() => undefined);
    return { status: 'queued', commandId, expiresAt };
  }
}

function offline(stationId: string): CommandResult {
  return { status: 'failed', failure: 'offline', message: `station ${stationId} is not connected` };
}
