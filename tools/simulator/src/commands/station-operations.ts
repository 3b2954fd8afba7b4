import type { SimChargingProfile } from '../charging/charging-profile.model';
import { fromWatts } from '../charging/charging-profile.store';
import type { Connector } from '../station/connector.model';
import type { SimulatedStation } from '../station/simulated-station';

/**
 * Operations both versions' commands share: the version files only translate payloads.
 */

export type ReserveResult = 'Accepted' | 'Occupied' | 'Unavailable' | 'Rejected' | 'Faulted';

export function reserve(station: SimulatedStation, connector: Connector | undefined, reservationId: number, idTag: string, expiresAt: number, onExpired: () => void): ReserveResult {
  if (!connector) return 'Rejected';
  if (connector.status === 'Faulted') return 'Faulted';
  if (!connector.operative) return 'Unavailable';
  if (connector.session || connector.ev || connector.pendingStart || (connector.reservation && connector.reservation.id !== reservationId)) return 'Occupied';
  // A reservation id names one reservation: making it again moves it.
  for (const other of station.connectors) {
    if (other !== connector && other.reservation?.id === reservationId) {
      other.reservation = undefined;
      station.clearTimer(`reservation-${other.id}`);
      station.announceStatus(other);
    }
  }
  connector.reservation = { id: reservationId, idTag, expiresAt };
  station.announceStatus(connector);
  station.setTimer(`reservation-${connector.id}`, Math.max(0, expiresAt - station.clock.now()), () => {
    if (connector.reservation?.id !== reservationId) return;
    connector.reservation = undefined;
    station.announceStatus(connector);
    onExpired();
  });
  return 'Accepted';
}

export function cancelReservation(station: SimulatedStation, reservationId: number): boolean {
  const connector = station.connectors.find((c) => c.reservation?.id === reservationId);
  if (!connector) return false;
  connector.reservation = undefined;
  station.clearTimer(`reservation-${connector.id}`);
  station.announceStatus(connector);
  return true;
}

/**
 * Operative / Inoperative for some connectors. A connector in a session changes when the session
 * ends (answer Scheduled), as both versions specify.
 */
export function changeAvailability(targets: readonly Connector[], operative: boolean): 'Accepted' | 'Scheduled' {
  let scheduled = false;
  for (const connector of targets) {
    if (!operative && connector.session) {
      connector.inoperativeWhenIdle = true;
      scheduled = true;
      continue;
    }
    connector.inoperativeWhenIdle = false;
    connector.operative = operative;
  }
  return scheduled ? 'Scheduled' : 'Accepted';
}

export function announceAvailability(station: SimulatedStation, targets: readonly Connector[]): void {
  for (const connector of targets) station.announceStatus(connector);
}

/** Profiles change the power from now on: count the energy so far under the old ones first. */
export function changeProfiles<T>(station: SimulatedStation, change: () => T): T {
  for (const connector of station.connectors) station.settle(connector);
  return change();
}

/** The limits in force on a connector (0: the station) for the next `durationS`, in the asked unit. */
export function compositeSchedule(station: SimulatedStation, connectorId: number, durationS: number, unit: 'W' | 'A'): { start: string; periods: Array<{ startPeriod: number; limit: number }> } {
  const now = station.clock.now();
  const connector = station.connector(connectorId);
  const maxW = connector ? connector.maxPowerW : station.connectors.reduce((sum, c) => sum + c.maxPowerW, 0);
  const periods = station.profiles.composite(connectorId, now, durationS, maxW, station.txContext(connector?.session));
  return { start: new Date(now).toISOString(), periods: periods.map((p) => ({ startPeriod: p.startPeriod, limit: fromWatts(p.limitW, unit) })) };
}

/** Can this profile be installed on this connector now? (The rules both versions share.) */
export function profileAcceptable(station: SimulatedStation, profile: SimChargingProfile): boolean {
  if (profile.stackLevel > 10 || profile.schedule.periods.length === 0 || profile.schedule.periods.length > 24) return false;
  if (profile.connectorId !== 0 && !station.connector(profile.connectorId)) return false;
  if (profile.purpose === 'StationMax' && profile.connectorId !== 0) return false;
  if (profile.purpose === 'Tx') {
    const session = station.connector(profile.connectorId)?.session;
    if (!session) return false;
    if (profile.transactionId !== undefined && profile.transactionId !== station.transactionKey(session)) return false;
  }
  return true;
}

/**
 * Firmware update: download, install, reboot when no session runs, report each step
 * (1.6 FirmwareStatusNotification / 2.0.1 with requestId).
 */
export function runFirmwareUpdate(station: SimulatedStation, retrieveAt: number, requestId: number | undefined, location: string): void {
  const report = (status: string): void => {
    station.firmwareStatus = status;
    station.notify(station.behaviour.firmwareStatus(status, requestId));
  };
  const version = `sim-${location.length % 10}.${Math.floor(station.clock.now() / 1000) % 1000}`;
  const install = (): void => {
    report('Installing');
    station.identity.firmwareVersion = version;
    if (station.connectors.some((c) => c.session)) {
      report('Installed');
      return;
    }
    if (station.behaviour.version === '2.0.1') report('InstallRebooting');
    station.afterNextBoot(() => report('Installed'));
    station.reboot('FirmwareUpdate');
  };
  const delay = Math.max(0, retrieveAt - station.clock.now());
  if (delay > 0 && station.behaviour.version === '2.0.1') report('DownloadScheduled');
  station.runSteps('firmware', [() => report('Downloading'), () => report('Downloaded'), install], delay);
}

/** Log / diagnostics upload: Uploading, then Uploaded. */
export function runLogUpload(station: SimulatedStation, requestId: number | undefined, diagnostics: boolean): void {
  const report = (status: 'Uploading' | 'Uploaded'): void => {
    station.uploadStatus = status;
    station.notify(station.behaviour.logStatus(status, requestId, diagnostics));
  };
  station.runSteps(diagnostics ? 'diagnostics' : 'log', [() => report('Uploading'), () => report('Uploaded')], 0);
}
