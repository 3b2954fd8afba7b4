import { profileFrom201, purposeFrom } from '../charging/charging-profile.model';
import type { ConfigEntry } from '../station/configuration.store';
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
const num = (payload: Payload | undefined, key: string): number | undefined => (typeof payload?.[key] === 'number' ? payload[key] : undefined);
const str = (payload: Payload | undefined, key: string): string | undefined => (typeof payload?.[key] === 'string' ? payload[key] : undefined);
const obj = (payload: Payload | undefined, key: string): Payload | undefined => payload?.[key] as Payload | undefined;
/** A name inside a nested object ({component: {name}}), or '' when absent. */
const nested = (payload: Payload | undefined, key: string, field: string): string => str(obj(payload, key), field) ?? '';

interface VariableRef {
  component: { name: string };
  variable: { name: string };
}

/** The device model's "Component.Variable" keys are split back into 2.0.1 references. */
function refOf(key: string): VariableRef {
  const dot = key.indexOf('.');
  return { component: { name: key.slice(0, dot) }, variable: { name: key.slice(dot + 1) } };
}

function keyOf(ref: Payload): { key: string; component: string } {
  const component = nested(ref, 'component', 'name');
  return { key: `${component}.${nested(ref, 'variable', 'name')}`, component };
}

const DATA_TYPE: Record<ConfigEntry['dataType'], string> = {
  integer: 'integer',
  boolean: 'boolean',
  string: 'string',
  decimal: 'decimal',
  MemberList: 'MemberList',
  SequenceList: 'SequenceList',
  OptionList: 'OptionList',
};

const ITEMS_PER_REPORT = 20;

/** Answers to every CSMS-initiated 2.0.1 action this station implements. */
export function ocpp201Handlers(station: SimulatedStation): CommandHandlers {
  const knownComponents = (): Set<string> => new Set(station.config.keys().map((key) => key.slice(0, key.indexOf('.'))));

  /** NotifyReport in parts of ITEMS_PER_REPORT variables, seqNo from 0, tbc on all but the last. */
  const sendReport = (requestId: number, keys: readonly string[]): void => {
    const generatedAt = station.now();
    const parts = Math.max(1, Math.ceil(keys.length / ITEMS_PER_REPORT));
    for (let seqNo = 0; seqNo < parts; seqNo++) {
      const reportData = keys.slice(seqNo * ITEMS_PER_REPORT, (seqNo + 1) * ITEMS_PER_REPORT).map((key) => {
        const entry = station.config.get(key);
        return {
          ...refOf(key),
          variableAttribute: [{ type: 'Actual', value: entry?.value ?? '', mutability: entry?.readonly ? 'ReadOnly' : 'ReadWrite' }],
          variableCharacteristics: { dataType: DATA_TYPE[entry?.dataType ?? 'string'], supportsMonitoring: false },
        };
      });
      station.notify({ action: 'NotifyReport', payload: { requestId, generatedAt, seqNo, tbc: seqNo < parts - 1, reportData } });
    }
  };

  return {
    RequestStartTransaction: (p) => {
      const idToken = obj(p, 'idToken');
      const profile = obj(p, 'chargingProfile');
      if (profile && profile['chargingProfilePurpose'] !== 'TxProfile') return answer({ status: 'Rejected' });
      const idTag = str(idToken, 'idToken') ?? '';
      const { accepted, begin } = station.acceptRemoteStart(num(p, 'evseId'), {
        idTag,
        idTokenType: str(idToken, 'type') ?? 'Central',
        remoteStartId: num(p, 'remoteStartId'),
        trigger: 'RemoteStart',
      });
      if (!accepted) return answer({ status: 'Rejected' });
      return answer({ status: 'Accepted' }, () => {
        begin();
        const connector = station.connectors.find((c) => c.pendingStart?.idTag === idTag || c.session?.idTag === idTag);
        const parsed = profile && connector ? profileFrom201(connector.id, { ...profile, transactionId: undefined }) : undefined;
        if (parsed) changeProfiles(station, () => station.profiles.set(parsed));
      });
    },

    RequestStopTransaction: (p) => {
      const connector = station.findSession(str(p, 'transactionId') ?? '');
      if (!connector) return answer({ status: 'Rejected' });
      return answer({ status: 'Accepted' }, () => station.endSessionFor(connector, 'Remote', 'RemoteStop'));
    },

    GetTransactionStatus: (p) => {
      const transactionId = str(p, 'transactionId');
      const queued = station.snapshot().queued > 0;
      if (transactionId === undefined) return answer({ messagesInQueue: queued });
      const running = station.findSession(transactionId) !== undefined;
      return answer({ ongoingIndicator: running, messagesInQueue: queued });
    },

    Reset: (p) => {
      const busy = station.connectors.some((c) => c.session);
      if (p['evseId'] !== undefined) return answer({ status: 'Rejected' });
      if (p['type'] === 'OnIdle' && busy) return answer({ status: 'Scheduled' }, () => station.rebootWhenIdle());
      return answer({ status: 'Accepted' }, () => {
        for (const connector of station.connectors) if (connector.session) station.endSessionFor(connector, 'ImmediateReset', 'ResetCommand');
        void station.flush(5_000).then(() => station.reboot('RemoteReset'));
      });
    },

    UnlockConnector: (p) => {
      const connector = station.connector(num(p, 'evseId') ?? 0);
      if (!connector || num(p, 'connectorId') !== 1) return answer({ status: 'UnknownConnector' });
      if (connector.session) return answer({ status: 'OngoingAuthorizedTransaction' });
      return answer({ status: 'Unlocked' });
    },

    ChangeAvailability: (p) => {
      const evseId = num(obj(p, 'evse'), 'id');
      const targets = evseId === undefined || evseId === 0 ? station.connectors : [station.connector(evseId)].filter((c) => c !== undefined);
      if (targets.length === 0) return answer({ status: 'Rejected' });
      const status = changeAvailability(targets, p['operationalStatus'] === 'Operative');
      return answer({ status }, () => announceAvailability(station, targets));
    },

    GetVariables: (p) =>
      answer({
        getVariableResult: ((p['getVariableData'] as Payload[] | undefined) ?? []).map((data) => {
          const { key, component } = keyOf(data);
          const base = { component: obj(data, 'component'), variable: obj(data, 'variable') };
          const type = str(data, 'attributeType') ?? 'Actual';
          if (!knownComponents().has(component)) return { ...base, attributeStatus: 'UnknownComponent' };
          const entry = station.config.get(key);
          if (!entry) return { ...base, attributeStatus: 'UnknownVariable' };
          if (type !== 'Actual') return { ...base, attributeType: type, attributeStatus: 'NotSupportedAttributeType' };
          return { ...base, attributeType: type, attributeStatus: 'Accepted', attributeValue: entry.value };
        }),
      }),

    SetVariables: (p) =>
      answer({
        setVariableResult: ((p['setVariableData'] as Payload[] | undefined) ?? []).map((data) => {
          const { key, component } = keyOf(data);
          const base = { component: obj(data, 'component'), variable: obj(data, 'variable') };
          const type = str(data, 'attributeType') ?? 'Actual';
          if (!knownComponents().has(component)) return { ...base, attributeStatus: 'UnknownComponent' };
          if (!station.config.get(key)) return { ...base, attributeStatus: 'UnknownVariable' };
          if (type !== 'Actual') return { ...base, attributeType: type, attributeStatus: 'NotSupportedAttributeType' };
          const outcome = station.config.set(key, str(data, 'attributeValue') ?? '');
          return { ...base, attributeType: type, attributeStatus: outcome === 'NotSupported' ? 'UnknownVariable' : outcome };
        }),
      }),

    GetBaseReport: (p) => {
      const requestId = num(p, 'requestId') ?? 0;
      const keys = p['reportBase'] === 'ConfigurationInventory' ? station.config.keys().filter((k) => !station.config.get(k)?.readonly) : station.config.keys();
      return answer({ status: 'Accepted' }, () => sendReport(requestId, keys));
    },

    GetReport: (p) => {
      const requestId = num(p, 'requestId') ?? 0;
      const wanted = ((p['componentVariable'] as Payload[] | undefined) ?? []).map((cv) => ({
        component: nested(cv, 'component', 'name'),
        variable: str(obj(cv, 'variable'), 'name'),
      }));
      const keys = station.config
        .keys()
        .filter((key) => wanted.length === 0 || wanted.some((w) => key === `${w.component}.${w.variable}` || (w.variable === undefined && key.startsWith(`${w.component}.`))));
      if (keys.length === 0) return answer({ status: 'EmptyResultSet' });
      return answer({ status: 'Accepted' }, () => sendReport(requestId, keys));
    },

    ClearCache: () => {
      station.localList.cache.clear();
      return answer({ status: 'Accepted' });
    },

    DataTransfer: () => answer({ status: 'UnknownVendorId' }),

    CostUpdated: () => answer({}),

    GetLocalListVersion: () => answer({ versionNumber: station.localList.version }),

    SendLocalList: (p) => {
      const entries = ((p['localAuthorizationList'] as Payload[] | undefined) ?? []).map((entry) => ({
        idTag: nested(entry, 'idToken', 'idToken'),
        status: obj(entry, 'idTokenInfo')?.['status'] as TokenStatus | undefined,
      }));
      const result = station.localList.update(num(p, 'versionNumber') ?? 0, p['updateType'] === 'Full' ? 'Full' : 'Differential', entries);
      station.config.update('LocalAuthListCtrlr.Entries', String(station.localList.size));
      return answer({ status: result });
    },

    ReserveNow: (p) => {
      const reservationId = num(p, 'id') ?? 0;
      const evseId = num(p, 'evseId');
      const connector = evseId !== undefined ? station.connector(evseId) : station.connectors.find((c) => c.operative && !c.session && !c.ev && !c.reservation);
      const expired = (): void => station.notify({ action: 'ReservationStatusUpdate', payload: { reservationId, reservationUpdateStatus: 'Expired' } });
      const idTag = str(obj(p, 'idToken'), 'idToken') ?? '';
      return answer({ status: reserve(station, connector, reservationId, idTag, Date.parse(str(p, 'expiryDateTime') ?? ''), expired) });
    },

    CancelReservation: (p) => answer({ status: cancelReservation(station, num(p, 'reservationId') ?? -1) ? 'Accepted' : 'Rejected' }),

    SetChargingProfile: (p) => {
      const profile = profileFrom201(num(p, 'evseId') ?? 0, obj(p, 'chargingProfile') ?? {});
      // 2.0.1 K01.FR.03: a TxProfile names its transaction.
      if (!profile || !profileAcceptable(station, profile) || (profile.purpose === 'Tx' && profile.transactionId === undefined)) return answer({ status: 'Rejected' });
      changeProfiles(station, () => station.profiles.set(profile));
      return answer({ status: 'Accepted' });
    },

    ClearChargingProfile: (p) => {
      const id = num(p, 'chargingProfileId');
      const criteria = obj(p, 'chargingProfileCriteria');
      const evseId = num(criteria, 'evseId');
      const purpose = str(criteria, 'chargingProfilePurpose');
      const stackLevel = num(criteria, 'stackLevel');
      const cleared = changeProfiles(station, () =>
        station.profiles.clear((profile) =>
          id !== undefined
            ? profile.id === id
            : (evseId === undefined || profile.connectorId === evseId) &&
              (purpose === undefined || profile.purpose === purposeFrom('2.0.1', purpose)) &&
              (stackLevel === undefined || profile.stackLevel === stackLevel),
        ),
      );
      return answer({ status: cleared > 0 ? 'Accepted' : 'Unknown' });
    },

    GetCompositeSchedule: (p) => {
      const evseId = num(p, 'evseId') ?? 0;
      if (evseId !== 0 && !station.connector(evseId)) return answer({ status: 'Rejected' });
      const duration = num(p, 'duration') ?? 0;
      const unit = p['chargingRateUnit'] === 'A' ? 'A' : 'W';
      const { start, periods } = compositeSchedule(station, evseId, duration, unit);
      return answer({ status: 'Accepted', schedule: { evseId, duration, scheduleStart: start, chargingRateUnit: unit, chargingSchedulePeriod: periods } });
    },

    TriggerMessage: (p) => {
      const evseId = num(obj(p, 'evse'), 'id');
      const connector = evseId !== undefined && evseId > 0 ? station.connector(evseId) : undefined;
      if (evseId !== undefined && evseId > 0 && !connector) return answer({ status: 'Rejected' });
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
        case 'TransactionEvent':
          return answer({ status: 'Accepted' }, () => targets.filter((c) => c.session).forEach((c) => station.triggerMeterValues(c)));
        case 'FirmwareStatusNotification':
          return answer({ status: 'Accepted' }, () => station.notify(station.behaviour.firmwareStatus(station.firmwareStatus === 'Installed' ? 'Idle' : station.firmwareStatus, undefined)));
        case 'LogStatusNotification':
          return answer({ status: 'Accepted' }, () => station.notify(station.behaviour.logStatus(station.uploadStatus === 'Uploading' ? 'Uploading' : 'Idle', undefined, false)));
        default:
          return answer({ status: 'NotImplemented' });
      }
    },

    UpdateFirmware: (p) => {
      const firmware = obj(p, 'firmware');
      const retrieveAt = Date.parse(str(firmware, 'retrieveDateTime') ?? '') || station.clock.now();
      return answer({ status: 'Accepted' }, () => runFirmwareUpdate(station, retrieveAt, num(p, 'requestId'), str(firmware, 'location') ?? ''));
    },

    GetLog: (p) => answer({ status: 'Accepted', filename: `log-${station.id}-${num(p, 'requestId') ?? 0}.log` }, () => runLogUpload(station, num(p, 'requestId'), false)),
  };
}
