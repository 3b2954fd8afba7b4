import { DEFAULT_TENANT, ENVELOPE_VERSION } from '@evcsms/contracts';
import type { OcppGateway, StationActivity, StationEventsListener, StationOffline, StationOnline } from '@evcsms/gateway';
import type { Logger } from '@evcsms/logging';
import type { ConnectionRegistry, PendingCommandStore } from '@evcsms/registry';
import { KeyedSerializer } from './keyed-serializer';
import type { PodInbox } from './pod-inbox';
import type { PresenceOutbox } from './presence-outbox';

/**
 * Turns the gateway's connection events into registry entries and presence events, evicts a
 * station's older socket on another pod, and hands queued commands to a station that connects.
 */
export class StationPresence implements StationEventsListener {
  private readonly perStation = new KeyedSerializer();
  private gateway: OcppGateway | undefined;

  constructor(
    private readonly podId: string,
    private readonly registry: ConnectionRegistry,
    private readonly pending: PendingCommandStore,
    private readonly outbox: PresenceOutbox,
    private readonly inbox: PodInbox,
    private readonly logger: Logger,
  ) {
    inbox.on('deliver-pending', (message) => void this.perStation.run(message.stationId, () => this.deliverPending(message.stationId)));
  }

  attach(gateway: OcppGateway): void {
    this.gateway = gateway;
  }

  online(event: StationOnline): void {
    this.announceOnline(event);
    void this.perStation.run(event.stationId, async () => {
      await this.register(event.stationId, event.connectionId, event.protocol, event.connectedAt);
      await this.deliverPending(event.stationId);
    });
  }

  private announceOnline(event: StationOnline): void {
    this.outbox.add({
      v: ENVELOPE_VERSION,
      type: 'station-online',
      stationId: event.stationId,
      tenantId: DEFAULT_TENANT,
      podId: this.podId,
      connectionId: event.connectionId,
      protocol: event.protocol,
      at: event.connectedAt.toISOString(),
      remoteAddress: event.remoteAddress,
      securityProfile: event.securityProfile,
    });
  }

  offline(event: StationOffline): void {
    void this.perStation.run(event.stationId, async () => {
      // Whoever removes a connection's registry entry reports it offline: if another pod took
      // the station over first, that pod has already reported this connection.
      const removed = await this.registry.unregister(event.stationId, event.connectionId).catch((error: unknown) => {
        // Registry unreachable: report it anyway (a duplicate offline is harmless, a lost one is not);
        // the pod lease or the re-registration after a reset cleans up the entry.
        this.logger.warn('registry unregister failed', { stationId: event.stationId, error });
        return true;
      });
      if (removed) this.announceOffline(event);
    });
  }

  private announceOffline(event: StationOffline): void {
    this.outbox.add({
      v: ENVELOPE_VERSION,
      type: 'station-offline',
      stationId: event.stationId,
      tenantId: DEFAULT_TENANT,
      podId: this.podId,
      connectionId: event.connectionId,
      protocol: event.protocol,
      at: event.disconnectedAt.toISOString(),
      reason: event.reason,
      closeCode: event.closeCode,
    });
  }

  activity(event: StationActivity): void {
    const held = this.gateway?.connectionOf(event.stationId);
    if (!held) return;
    this.outbox.add({
      v: ENVELOPE_VERSION,
      type: 'station-activity',
      stationId: event.stationId,
      tenantId: DEFAULT_TENANT,
      podId: this.podId,
      connectionId: event.connectionId,
      protocol: held.protocol,
      at: event.at.toISOString(),
      action: event.action,
    });
  }

  /**
   * After the registry lost its data, or our lease lapsed and a reaper may have declared our
   * stations offline: every station we hold is registered and announced online again.
   * Consumers order presence by time and connection, so a repeated online is harmless.
   */
  async reregisterAll(): Promise<number> {
    if (!this.gateway) return 0;
    const held = [...this.gateway.heldStations()];
    await Promise.all(
      held.map((station) =>
        this.perStation.run(station.stationId, async () => {
          await this.register(station.stationId, station.connectionId, station.protocol, station.connectedAt);
          this.announceOnline({ ...station, connectedAt: new Date() });
        }),
      ),
    );
    return held.length;
  }

  idle(): Promise<void> {
    return this.perStation.idle();
  }

  private async register(stationId: string, connectionId: string, protocol: StationOnline['protocol'], connectedAt: Date): Promise<void> {
    try {
      const previous = await this.registry.register({ stationId, podId: this.podId, connectionId, protocol, connectedAt: connectedAt.toISOString() });
      if (!previous || previous.connectionId === connectionId) return;
      // We removed the older connection's entry, so we report it offline (once); its pod, if
      // still alive, closes the socket without reporting it again.
      this.outbox.add({
        v: ENVELOPE_VERSION,
        type: 'station-offline',
        stationId,
        tenantId: DEFAULT_TENANT,
        podId: previous.podId,
        connectionId: previous.connectionId,
        protocol: previous.protocol,
        at: new Date().toISOString(),
        reason: previous.podId === this.podId ? 'replaced' : 'moved',
        closeCode: 1000,
      });
      if (previous.podId !== this.podId) {
        await this.inbox.send(previous.podId, { type: 'evict', stationId, connectionId: previous.connectionId });
      }
    } catch (error) {
      this.logger.warn('registry register failed; will retry on reset', { stationId, error });
    }
  }

  private async deliverPending(stationId: string): Promise<void> {
    const gateway = this.gateway;
    if (!gateway?.isConnected(stationId)) return;
    let commands;
    try {
      commands = await this.pending.takeDue(stationId);
    } catch (error) {
      this.logger.warn('could not read pending commands', { stationId, error });
      return;
    }
    for (const command of commands) {
      const result = await gateway.call(stationId, command.action, command.payload);
      const status = result.status === 'failed' ? 'Failed' : 'Delivered';
      await this.pending.complete(command.commandId, status, { ...result }).catch((error: unknown) => {
        this.logger.error('could not record a pending command result', { commandId: command.commandId, error });
      });
    }
  }
}
