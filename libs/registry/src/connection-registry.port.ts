import type { OcppVersion } from '@evcsms/ocpp';

/** Where a station's socket lives right now. */
export interface StationLocation {
  readonly stationId: string;
  readonly podId: string;
  readonly connectionId: string;
  readonly protocol: OcppVersion;
  /** ISO-8601. */
  readonly connectedAt: string;
}

export interface DeadPod {
  readonly podId: string;
  /** The stations it still held, now removed from the registry. */
  readonly stations: readonly StationLocation[];
}

/**
 * station id -> {pod, connection, protocol, since}. Redis in production, a map in embedded mode;
 * one contract suite (libs/registry/test/registry-contract.suite.ts) holds both to the same rules:
 *
 * - a station's entry counts only while its pod's lease is alive (the pod renews it);
 * - register() returns the location it replaced (live pod or dead), so the new pod can evict the
 *   old socket and report that connection offline: whoever removes an entry reports it, once;
 * - unregister() removes an entry only if it still belongs to that connection;
 * - reapDeadPods() hands each dead pod's stations to exactly one caller, once.
 */
export interface ConnectionRegistry {
  register(location: StationLocation): Promise<StationLocation | undefined>;
  unregister(stationId: string, connectionId: string): Promise<boolean>;
  lookup(stationId: string): Promise<StationLocation | undefined>;
  list(query: { readonly limit: number; readonly cursor?: string; readonly podId?: string }): Promise<{
    readonly items: readonly StationLocation[];
    readonly nextCursor: string | null;
  }>;
  /** Pods whose lease is alive (gateways): who to tell when something every pod caches changes. */
  livePods(): Promise<readonly string[]>;
  /** Creates or renews this pod's lease. */
  renewPodLease(podId: string, leaseMs: number): Promise<void>;
  /** Ends this pod's lease and removes its stations (graceful shutdown). */
  releasePod(podId: string): Promise<readonly StationLocation[]>;
  reapDeadPods(): Promise<readonly DeadPod[]>;
  /** Called after the backing store lost its data (Redis restart): re-register what you hold. */
  onReset(listener: () => void): void;
  health(): { readonly healthy: boolean; readonly detail: string };
  close(): Promise<void>;
}

/**
 * Point-to-point messages to one pod (commands to run, replies to deliver, evictions): a Redis
 * channel per pod in production, direct calls in embedded mode. At most once: senders time out.
 */
export interface PodChannel {
  send(podId: string, message: string): Promise<void>;
  listen(podId: string, onMessage: (message: string) => void): Promise<{ close(): Promise<void> }>;
}

export type PendingCommandStatus = 'Queued' | 'Delivered' | 'Expired' | 'Failed';

export interface PendingCommand {
  readonly commandId: string;
  readonly stationId: string;
  readonly action: string;
  readonly payload: Record<string, unknown>;
  /** ISO-8601: after this the command is not delivered but reported Expired. */
  readonly expiresAt: string;
  readonly createdAt: string;
}

export interface PendingCommandRecord extends PendingCommand {
  readonly status: PendingCommandStatus;
  /** The station's answer (or the failure) once delivered. */
  readonly outcome?: Record<string, unknown>;
  readonly updatedAt: string;
}

/**
 * Durable commands for offline stations: kept until the station reconnects to any pod or the
 * TTL passes; each command is handed out for delivery exactly once.
 */
export interface PendingCommandStore {
  enqueue(command: PendingCommand): Promise<void>;
  /** Atomically takes every waiting command of the station, oldest first; expired ones are marked Expired, not returned. */
  takeDue(stationId: string): Promise<readonly PendingCommand[]>;
  complete(commandId: string, status: Exclude<PendingCommandStatus, 'Queued'>, outcome: Record<string, unknown>): Promise<void>;
  get(commandId: string): Promise<PendingCommandRecord | undefined>;
}
