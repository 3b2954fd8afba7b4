import { getValidator, senderOf, type OcppVersion } from '@evcsms/ocpp';
import { ManualClock } from '../clock/manual-clock';
import { SimulatedStation } from '../station/simulated-station';
import { handlersFor } from './command-handlers';

const LATER = new Date(Date.UTC(2026, 0, 1, 9, 0, 0)).toISOString();

/** One valid request per CSMS action the simulator answers, as a CSMS would send it. */
const REQUESTS: Record<OcppVersion, Array<[string, Record<string, unknown>]>> = {
  'ocpp1.6': [
    ['RemoteStartTransaction', { idTag: 'TAG', connectorId: 1 }],
    ['RemoteStopTransaction', { transactionId: 1 }],
    ['Reset', { type: 'Soft' }],
    ['UnlockConnector', { connectorId: 1 }],
    ['UnlockConnector', { connectorId: 9 }],
    ['ChangeAvailability', { connectorId: 0, type: 'Inoperative' }],
    ['GetConfiguration', {}],
    ['GetConfiguration', { key: ['HeartbeatInterval', 'NoSuchKey'] }],
    ['ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' }],
    ['ChangeConfiguration', { key: 'NumberOfConnectors', value: '9' }],
    ['ClearCache', {}],
    ['DataTransfer', { vendorId: 'com.example' }],
    ['GetLocalListVersion', {}],
    ['SendLocalList', { listVersion: 1, updateType: 'Full', localAuthorizationList: [{ idTag: 'A', idTagInfo: { status: 'Accepted' } }] }],
    ['ReserveNow', { connectorId: 2, expiryDate: LATER, idTag: 'TAG', reservationId: 5 }],
    ['CancelReservation', { reservationId: 5 }],
    [
      'SetChargingProfile',
      {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: 1,
          stackLevel: 0,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Relative',
          chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        },
      },
    ],
    ['GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'A' }],
    ['ClearChargingProfile', { id: 1 }],
    ['TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }],
    ['TriggerMessage', { requestedMessage: 'MeterValues' }],
    ['UpdateFirmware', { location: 'https://example.com/fw.bin', retrieveDate: LATER }],
    ['GetDiagnostics', { location: 'ftp://example.com/upload' }],
    ['GetLog', { log: { remoteLocation: 'https://example.com/logs' }, logType: 'DiagnosticsLog', requestId: 3 }],
  ],
  'ocpp2.0.1': [
    ['RequestStartTransaction', { idToken: { idToken: 'TAG', type: 'Central' }, remoteStartId: 1, evseId: 1 }],
    ['RequestStopTransaction', { transactionId: 'no-such-transaction' }],
    ['GetTransactionStatus', {}],
    ['Reset', { type: 'Immediate' }],
    ['Reset', { type: 'OnIdle' }],
    ['UnlockConnector', { evseId: 1, connectorId: 1 }],
    ['UnlockConnector', { evseId: 9, connectorId: 1 }],
    ['ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } }],
    [
      'GetVariables',
      {
        getVariableData: [
          { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
          { component: { name: 'NoSuchComponent' }, variable: { name: 'X' } },
          { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' } },
          { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'Target' },
        ],
      },
    ],
    [
      'SetVariables',
      {
        setVariableData: [
          { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' },
          { component: { name: 'EVSE' }, variable: { name: 'Count' }, attributeValue: '9' },
          { component: { name: 'NoSuchComponent' }, variable: { name: 'X' }, attributeValue: '1' },
        ],
      },
    ],
    ['GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }],
    ['GetReport', { requestId: 2 }],
    ['ClearCache', {}],
    ['DataTransfer', { vendorId: 'com.example' }],
    ['CostUpdated', { totalCost: 1.5, transactionId: 'x' }],
    ['GetLocalListVersion', {}],
    ['SendLocalList', { versionNumber: 1, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'A', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } }] }],
    ['ReserveNow', { id: 5, expiryDateTime: LATER, idToken: { idToken: 'TAG', type: 'ISO14443' }, evseId: 2 }],
    ['CancelReservation', { reservationId: 5 }],
    [
      'SetChargingProfile',
      {
        evseId: 0,
        chargingProfile: {
          id: 1,
          stackLevel: 0,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Relative',
          chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] }],
        },
      },
    ],
    ['GetCompositeSchedule', { duration: 3600, evseId: 1, chargingRateUnit: 'W' }],
    ['ClearChargingProfile', { chargingProfileId: 1 }],
    ['TriggerMessage', { requestedMessage: 'Heartbeat' }],
    ['TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' }],
    ['UpdateFirmware', { requestId: 4, firmware: { location: 'https://example.com/fw.bin', retrieveDateTime: LATER } }],
    ['GetLog', { log: { remoteLocation: 'https://example.com/logs' }, logType: 'DiagnosticsLog', requestId: 3 }],
  ],
};

/** CSMS actions this charger deliberately does not implement: answered with a NotSupported CALLERROR. */
const NOT_SUPPORTED: Record<OcppVersion, string[]> = {
  'ocpp1.6': ['CertificateSigned', 'DeleteCertificate', 'ExtendedTriggerMessage', 'GetInstalledCertificateIds', 'InstallCertificate', 'SignedUpdateFirmware'],
  'ocpp2.0.1': [
    'CertificateSigned',
    'ClearDisplayMessage',
    'ClearVariableMonitoring',
    'CustomerInformation',
    'DeleteCertificate',
    'GetChargingProfiles',
    'GetDisplayMessages',
    'GetInstalledCertificateIds',
    'GetMonitoringReport',
    'InstallCertificate',
    'PublishFirmware',
    'SetDisplayMessage',
    'SetMonitoringBase',
    'SetMonitoringLevel',
    'SetNetworkProfile',
    'SetVariableMonitoring',
    'UnpublishFirmware',
  ],
};

describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('a %s station answering the CSMS', (protocol) => {
  let station: SimulatedStation;
  beforeEach(() => {
    station = new SimulatedStation({ id: `UNIT-${protocol}`, protocol, url: 'ws://127.0.0.1:1/ocpp', clock: new ManualClock() });
  });
  afterEach(() => station.stop());

  it.each(REQUESTS[protocol])('answers %s with a response that fits the schema', async (action, payload) => {
    const validator = getValidator(protocol);
    expect(validator.validateRequest(action, payload)).toMatchObject({ ok: true });
    const handler = handlersFor(station)[action];
    expect(handler).toBeDefined();
    const outcome = await handler!(payload);
    const checked = validator.validateResponse(action, outcome.response);
    expect([action, checked.ok ? 'valid' : checked.description]).toEqual([action, 'valid']);
    outcome.after?.();
  });

  it('handles every CSMS action of the version, except the ones it says it does not support', () => {
    const handled = Object.keys(handlersFor(station));
    const csmsActions = getValidator(protocol).actions.filter((action) => senderOf(protocol, action) !== 'ChargingStation');
    expect([...handled, ...NOT_SUPPORTED[protocol]].sort()).toEqual(csmsActions);
  });
});

describe('command outcomes a CSMS relies on', () => {
  it('1.6 GetConfiguration lists unknown keys, ChangeConfiguration refuses read-only ones', async () => {
    const station = new SimulatedStation({ id: 'UNIT-CFG', protocol: '1.6', url: 'ws://127.0.0.1:1/ocpp', clock: new ManualClock(), heartbeatIntervalS: 300 });
    const handlers = handlersFor(station);
    expect((await handlers['GetConfiguration']!({ key: ['HeartbeatInterval', 'Nope'] })).response).toEqual({
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }],
      unknownKey: ['Nope'],
    });
    expect((await handlers['ChangeConfiguration']!({ key: 'NumberOfConnectors', value: '4' })).response).toEqual({ status: 'Rejected' });
    expect((await handlers['ChangeConfiguration']!({ key: 'Nope', value: '4' })).response).toEqual({ status: 'NotSupported' });
    expect((await handlers['ChangeConfiguration']!({ key: 'MeterValueSampleInterval', value: '15' })).response).toEqual({ status: 'Accepted' });
    expect(station.meterIntervalMs).toBe(15_000);
    await station.stop();
  });

  it('keeps the local list and its version (2.0.1), refusing a differential update that is not newer', async () => {
    const station = new SimulatedStation({ id: 'UNIT-LL', protocol: '2.0.1', url: 'ws://127.0.0.1:1/ocpp', clock: new ManualClock() });
    const handlers = handlersFor(station);
    const entry = (idToken: string, status?: string) => ({ idToken: { idToken, type: 'ISO14443' }, ...(status ? { idTokenInfo: { status } } : {}) });
    expect((await handlers['SendLocalList']!({ versionNumber: 3, updateType: 'Full', localAuthorizationList: [entry('A', 'Accepted'), entry('B', 'Blocked')] })).response).toEqual({ status: 'Accepted' });
    expect((await handlers['SendLocalList']!({ versionNumber: 4, updateType: 'Differential', localAuthorizationList: [entry('B')] })).response).toEqual({ status: 'Accepted' });
    expect((await handlers['SendLocalList']!({ versionNumber: 4, updateType: 'Differential', localAuthorizationList: [entry('C', 'Accepted')] })).response).toEqual({ status: 'VersionMismatch' });
    expect((await handlers['GetLocalListVersion']!({})).response).toEqual({ versionNumber: 4 });
    expect([station.localList.lookup('A'), station.localList.lookup('B')]).toEqual(['Accepted', undefined]);
    await station.stop();
  });
});
