import type { OcppVersion } from '@evcsms/ocpp';
import type { Clock } from '../clock/clock';
import type { GroundTruthLog } from '../ground-truth/ground-truth.log';
import type { BackoffOptions } from '../reconnect/backoff';
import type { VendorQuirk } from '../rpc/vendor-quirks';

/** The car that gets plugged in. */
export interface EvSpec {
  readonly capacityWh: number;
  /** State of charge when it arrives, 0..1. */
  readonly initialSoc: number;
  readonly maxPowerW: number;
}

export interface SimulatedStationOptions {
  readonly id: string;
  /** 'ocpp1.6' / 'ocpp2.0.1' (or '1.6' / '2.0.1'). */
  readonly protocol: OcppVersion | '1.6' | '2.0.1';
  /** The CSMS endpoint without the station id, e.g. ws://127.0.0.1:9000/ocpp. */
  readonly url: string;
  /**
   * Failover endpoints after `url` (same form). A connection attempt that fails moves on to the
   * next one, in a ring, the way a load balancer sends a reconnecting charger to a live pod.
   */
  readonly failoverUrls?: readonly string[];
  /** Connectors (1.6) / EVSEs with one connector each (2.0.1). Default 2. */
  readonly connectors?: number;
  /** Per connector. Default 22 kW (three-phase 32 A AC). */
  readonly connectorMaxPowerW?: number;
  /** RFID cards this station's drivers carry (the fleet driver picks from them). */
  readonly tokens?: readonly string[];
  /** Simulated ms between meter samples during a session, until the CSMS sets another. Default 60 s. */
  readonly meterIntervalMs?: number;
  /** Heartbeat until the BootNotification answer says otherwise (simulated s). Default 300. */
  readonly heartbeatIntervalS?: number;
  readonly clock?: Clock;
  readonly vendor?: string;
  readonly model?: string;
  readonly serialNumber?: string;
  readonly firmwareVersion?: string;
  readonly quirks?: readonly VendorQuirk[];
  /** Source address for the TCP connection (spreads ephemeral ports over 127.0.0.x). */
  readonly localAddress?: string;
  /** Reconnect backoff in simulated ms. */
  readonly backoff?: BackoffOptions;
  /** Real ms to wait for a CALLRESULT. Default 30 s. */
  readonly callTimeoutMs?: number;
  readonly groundTruth?: GroundTruthLog;
  readonly ev?: Partial<EvSpec>;
  /** A remote start on an empty connector: the driver plugs in this many simulated ms later. Default 2 s; null: wait for plugIn(). */
  readonly remoteStartPlugDelayMs?: number | null;
  /** Simulated ms per firmware / log-upload step. Default 2 s. */
  readonly stepDelayMs?: number;
  /** Simulated ms a reboot takes. Default 3 s. */
  readonly rebootDelayMs?: number;
  /** HTTP Basic password (security profile 1). */
  readonly basicAuthPassword?: string;
  /** Initial meter register per connector, Wh. Default random up to 1 MWh. */
  readonly initialRegisterWh?: number;
  readonly random?: () => number;
}

export const DEFAULT_EV: EvSpec = { capacityWh: 60_000, initialSoc: 0.2, maxPowerW: 11_000 };

export function normaliseProtocol(protocol: SimulatedStationOptions['protocol']): OcppVersion {
  if (protocol === '1.6' || protocol === 'ocpp1.6') return 'ocpp1.6';
  if (protocol === '2.0.1' || protocol === 'ocpp2.0.1') return 'ocpp2.0.1';
  throw new RangeError(`unsupported protocol ${String(protocol)}`);
}
