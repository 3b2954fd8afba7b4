import { profileFrom16, purposeFrom } from '../charging/charging-profile.model';
import type { TokenStatus } from '../station/local-auth-list';
import type { SimulatedStation } from '../station/simulated-station';
import { answer, type CommandHandlers } from './command-handlers';
import {
  announceAvailability,
  cancelReservation,
  changeAvailability,
  changeProfiles,
  compositeSchedule,
  profileAcceptable,
  reserve,
  runFirmwareUpdate,
  runLogUpload,
} from './station-operations';

type Payload = Record<string, unknown>;
const num = (payload: Payload, key: string): number | undefined => (typeof payload[key] === 'number' ? payload[key] : undefined);
const str = (payload: Payload, key: string): string | undefined => (typeof payload[key] === 'string' ? payload[key] : undefined);

/** Answers to every CSMS-initiated 1.6 action this charger implements (Core and all feature profiles, GetLog). */
export function ocpp16Handlers(station: SimulatedStation): CommandHandlers {
  return {
    RemoteStartTransaction: (p) => {
      const idTag = str(p, 'idTag') ?? '';
      const profile = p['chargingProfile'] as Payload | undefined;
      // 1.6 5.11: a profile sent with RemoteStart must be a TxProfile.
      if (profile && profile['chargingProfilePurpose'] !== 'TxProfile') return answer({ status: 'Rejected' });
      const { accepted, begin } = station.acceptRemoteStart(num(p, 'connectorId'), { idTag, idTokenType: 'Central', remoteStartId: undefined, trigger: 'RemoteStart' });
      if (!accepted) return answer({ status: 'Rejected' });
      return answer({ status: 'Accepted' }, () => {
        begin();
        const connector = station.connectors.find((c) => c.pendingStart?.idTag === idTag || c.session?.idTag === idTag);
        const parsed = profile && connector ? profileFrom16(connector.id, { ...profile, transactionId: undefined }) : undefined;
        if (parsed) changeProfiles(station, () => station.profiles.set(parsed));
      });
    },

    RemoteStopTransaction: (p) => {
      const connector = station.findSession(num(p, 'transactionId') ?? -1);
      if (!connector) return answer({ status: 'Rejected' });
      return answer({ status: 'Accepted' }, () => station.endSessionFor(connector, 'Remote', 'RemoteStop'));
    },

    Reset: (p) =>
      answer({ status: 'Accepted' }, () => {
        // 1.6 5.14: ongoing transactions end (StopTransaction with reason Soft/HardReset), then the restart.
        const reason = p['type'] === 'Hard' ? 'HardReset' : 'SoftReset';
        for (const connector of station.connectors) if (connector.session) station.endSessionFor(connector, reason, 'ResetCommand');
        void station.flush(5_000).then(() => station.reboot('RemoteReset'));
      }),

    UnlockConnector: (p) => {
      const connector = station.connector(num(p, 'connectorId') ?? 0);
      if (!connector) return answer({ status: 'NotSupported' });
      return answer({ status: 'Unlocked' }, () => {
        if (connector.session) station.endSessionFor(connector, 'UnlockCommand', 'UnlockCommand');
      });
    },

    ChangeAvailability: (p) => {
      const connectorId = num(p, 'connectorId') ?? 0;
      const targets = connectorId === 0 ? station.connectors : [station.connector(connectorId)].filter((c) => c !== undefined);
      if (targets.length === 0) return answer({ status: 'Rejected' });
      const status = changeAvailability(targets, p['type'] === 'Operative');
      return answer({ status }, () => announceAvailability(station, targets));
    },

    GetConfiguration: (p) => {
      const requested = (p['key'] as string[] | undefined) ?? station.config.keys();
      const known = requested.filter((key) => station.config.get(key));
      return answer({
        configurationKey: known.map((key) => ({ key, readonly: station.config.get(key)?.readonly ?? true, value: station.config.value(key) })),
        ...(known.length < requested.length ? { unknownKey: requested.filter((key) => !station.config.get(key)) } : {}),
      });
    },

    ChangeConfiguration: (p) => answer({ status: station.config.set(str(p, 'key') ?? '', str(p, 'value') ?? '') }),

    ClearCache: () => {
      station.localList.cache.clear();
      return answer({ status: 'Accepted' });
    },

    DataTransfer: () => answer({ status: 'UnknownVendorId' }),

    GetLocalListVersion: () => answer({ listVersion: station.config.bool('LocalAuthListEnabled', true) ? station.localList.version : -1 }),

    SendLocalList: (p) => {
      if (!station.config.bool('LocalAuthListEnabled', true)) return answer({ status: 'NotSupported' });
      const entries = ((p['localAuthorizationList'] as Payload[] | undefined) ?? []).map((entry) => ({
        idTag: String(entry['idTag']),
        status: (entry['idTagInfo'] as { status?: TokenStatus } | undefined)?.status,
      }));
      return answer({ status: station.localList.update(num(p, 'listVersion') ?? 0, p['updateType'] === 'Full' ? 'Full' : 'Differential', entries) });
    },

    ReserveNow: (p) => {
      const connectorId = num(p, 'connectorId') ?? 0;
      // ReserveConnectorZeroSupported is false: a reservation names a connector.
      if (connectorId === 0) return answer({ status: 'Rejected' });
      const status = reserve(station, station.connector(connectorId), num(p, 'reservationId') ?? 0, str(p, 'idTag') ?? '', Date.parse(str(p, 'expiryDate') ?? ''), () => undefined);
      return answer({ status });
    },

    CancelReservation: (p) => answer({ status: cancelReservation(station, num(p, 'reservationId') ?? -1) ? 'Accepted' : 'Rejected' }),

    SetChargingProfile: (p) => {
      const profile = profileFrom16(num(p, 'connectorId') ?? 0, (p['csChargingProfiles'] as Payload | undefined) ?? {});
      if (!profile || !profileAcceptable(station, profile)) return answer({ status: 'Rejected' });
      changeProfiles(station, () => station.profiles.set(profile));
      return answer({ status: 'Accepted' });
    },

    ClearChargingProfile: (p) => {
      const id = num(p, 'id');
      const connectorId = num(p, 'connectorId');
      const purpose = str(p, 'chargingProfilePurpose');
      const stackLevel = num(p, 'stackLevel');
      const cleared = changeProfiles(station, () =>
        station.profiles.clear((profile) =>
          id !== undefined
            ? profile.id === id
            : (connectorId === undefined || profile.connectorId === connectorId) &&
              (purpose === undefined || profile.purpose === purposeFrom('1.6', purpose)) &&
              (stackLevel === undefined || profile.stackLevel === stackLevel),
        ),
      );
      return answer({ status: cleared > 0 ? 'Accepted' : 'Unknown' });
    },

    GetCompositeSchedule: (p) => {
      const connectorId = num(p, 'connectorId') ?? 0;
      if (connectorId !== 0 && !station.connector(connectorId)) return answer({ status: 'Rejected' });
      const duration = num(p, 'duration') ?? 0;
      const unit = p['chargingRateUnit'] === 'A' ? 'A' : 'W';
      const { start, periods } = compositeSchedule(station, connectorId, duration, unit);
      return answer({
        status: 'Accepted',
        connectorId,
        scheduleStart: start,
        chargingSchedule: { duration, startSchedule: start, chargingRateUnit: unit, chargingSchedulePeriod: periods },
      });
    },

    TriggerMessage: (p) => {
      const connectorId = num(p, 'connectorId');
      const connector = connectorId !== undefined && connectorId > 0 ? station.connector(connectorId) : undefined;
      if (connectorId !== undefined && connectorId > 0 && !connector) return answer({ status: 'Rejected' });
      const targets = connector ? [connector] : station.connectors;
      switch (p['requestedMessage']) {
        case 'BootNotification':
          return answer({ status: 'Accepted' }, () => station.sendBootNotification());
        case 'Heartbeat':
          return answer({ status: 'Accepted' }, () => station.sendHeartbeat());
        case 'StatusNotification':
          return answer({ status: 'Accepted' }, () => (connector ? station.announceStatus(connector) : station.sendAllStatuses()));
        case 'MeterValues':
          return answer({ status: 'Accepted' }, () => targets.forEach((c) => station.triggerMeterValues(c)));
        case 'FirmwareStatusNotification':
          return answer({ status: 'Accepted' }, () => station.notify(station.behaviour.firmwareStatus(station.firmwareStatus === 'Installed' ? 'Idle' : station.firmwareStatus, undefined)));
        case 'DiagnosticsStatusNotification':
          return answer({ status: 'Accepted' }, () => station.notify(station.behaviour.logStatus(station.uploadStatus, undefined, true)));
        default:
          return answer({ status: 'NotImplemented' });
      }
    },

    UpdateFirmware: (p) =>
      answer({}, () => runFirmwareUpdate(station, Date.parse(str(p, 'retrieveDate') ?? '') || station.clock.now(), undefined, str(p, 'location') ?? '')),

    GetDiagnostics: () => answer({ fileName: `diagnostics-${station.id}-${station.clock.now()}.log` }, () => runLogUpload(station, undefined, true)),

    GetLog: (p) => answer({ status: 'Accepted', filename: `log-${station.id}-${num(p, 'requestId') ?? 0}.log` }, () => runLogUpload(station, num(p, 'requestId'), false)),
  };
}
