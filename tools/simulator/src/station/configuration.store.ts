/** One configuration key (1.6) or device-model variable (2.0.1, named "Component.Variable"). */
export interface ConfigEntry {
  value: string;
  readonly readonly: boolean;
  readonly dataType: 'integer' | 'boolean' | 'string' | 'MemberList' | 'SequenceList' | 'decimal' | 'OptionList';
  /** Changing it needs a reboot (1.6 ChangeConfiguration answers RebootRequired). */
  readonly rebootRequired?: boolean;
}

export type SetOutcome = 'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported';

/**
 * The settings a CSMS reads and writes. Values are strings, as both versions carry them; the
 * station reads the ones that change its behaviour (heartbeat, meter interval, authorization).
 */
export class ConfigurationStore {
  private readonly entries = new Map<string, ConfigEntry>();

  constructor(
    initial: Record<string, ConfigEntry>,
    private readonly onChange: (key: string, value: string) => void = () => undefined,
  ) {
    for (const [key, entry] of Object.entries(initial)) this.entries.set(key, { ...entry });
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  get(key: string): ConfigEntry | undefined {
    return this.entries.get(key);
  }

  value(key: string): string | undefined {
    return this.entries.get(key)?.value;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.value(key);
    return value === undefined ? fallback : value.toLowerCase() === 'true';
  }

  int(key: string, fallback: number): number {
    const value = Number(this.value(key));
    return Number.isInteger(value) ? value : fallback;
  }

  /** A change from the CSMS: refused for read-only keys and values of the wrong type. */
  set(key: string, value: string): SetOutcome {
    const entry = this.entries.get(key);
    if (!entry) return 'NotSupported';
    if (entry.readonly) return 'Rejected';
    if (entry.dataType === 'integer' && !/^-?\d+$/.test(value)) return 'Rejected';
    if (entry.dataType === 'boolean' && !/^(true|false)$/i.test(value)) return 'Rejected';
    entry.value = value;
    this.onChange(key, value);
    return entry.rebootRequired ? 'RebootRequired' : 'Accepted';
  }

  /** The station itself updating a value (a read-only one included). */
  update(key: string, value: string): void {
    const entry = this.entries.get(key);
    if (entry) entry.value = value;
  }
}

const rw = (value: string, dataType: ConfigEntry['dataType'] = 'string'): ConfigEntry => ({ value, readonly: false, dataType });
const ro = (value: string, dataType: ConfigEntry['dataType'] = 'string'): ConfigEntry => ({ value, readonly: true, dataType });

/** 1.6 keys (OCPP 1.6 section 9), those this simulator honours plus the usual read-only ones. */
export function ocpp16Configuration(connectors: number, heartbeatS: number, meterIntervalS: number): Record<string, ConfigEntry> {
  return {
    AllowOfflineTxForUnknownId: rw('true', 'boolean'),
    AuthorizationCacheEnabled: rw('true', 'boolean'),
    AuthorizeRemoteTxRequests: rw('false', 'boolean'),
    ChargeProfileMaxStackLevel: ro('10', 'integer'),
    ChargingScheduleAllowedChargingRateUnit: ro('Current,Power'),
    ChargingScheduleMaxPeriods: ro('24', 'integer'),
    ClockAlignedDataInterval: rw('0', 'integer'),
    ConnectionTimeOut: rw('60', 'integer'),
    GetConfigurationMaxKeys: ro('100', 'integer'),
    HeartbeatInterval: rw(String(heartbeatS), 'integer'),
    LocalAuthListEnabled: rw('true', 'boolean'),
    LocalAuthListMaxLength: ro('1000', 'integer'),
    LocalAuthorizeOffline: rw('true', 'boolean'),
    LocalPreAuthorize: rw('false', 'boolean'),
    MaxChargingProfilesInstalled: ro('10', 'integer'),
    MeterValueSampleInterval: rw(String(meterIntervalS), 'integer'),
    MeterValuesSampledData: rw('Energy.Active.Import.Register,Power.Active.Import,SoC'),
    NumberOfConnectors: ro(String(connectors), 'integer'),
    ReserveConnectorZeroSupported: ro('false', 'boolean'),
    SendLocalListMaxLength: ro('100', 'integer'),
    StopTransactionOnEVSideDisconnect: rw('true', 'boolean'),
    StopTransactionOnInvalidId: rw('true', 'boolean'),
    SupportedFeatureProfiles: ro('Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger'),
    TransactionMessageAttempts: rw('3', 'integer'),
    TransactionMessageRetryInterval: rw('10', 'integer'),
    UnlockConnectorOnEVSideDisconnect: rw('true', 'boolean'),
    WebSocketPingInterval: { value: '0', readonly: false, dataType: 'integer', rebootRequired: true },
  };
}

/** 2.0.1 variables ("Component.Variable"), the ones the spec requires for the functions we do. */
export function ocpp201Variables(connectors: number, heartbeatS: number, meterIntervalS: number, vendor: string, model: string): Record<string, ConfigEntry> {
  return {
    'AuthCtrlr.AuthorizeRemoteStart': rw('false', 'boolean'),
    'AuthCtrlr.Enabled': rw('true', 'boolean'),
    'AuthCtrlr.LocalAuthorizeOffline': rw('true', 'boolean'),
    'AuthCtrlr.LocalPreAuthorize': rw('false', 'boolean'),
    'AuthCtrlr.OfflineTxForUnknownIdEnabled': rw('true', 'boolean'),
    'AuthCacheCtrlr.Enabled': rw('true', 'boolean'),
    'ChargingStation.AvailabilityState': ro('Available', 'OptionList'),
    'ChargingStation.Model': ro(model),
    'ChargingStation.VendorName': ro(vendor),
    'DeviceDataCtrlr.ItemsPerMessage': ro('50', 'integer'),
    'DeviceDataCtrlr.BytesPerMessage': ro('65000', 'integer'),
    'EVSE.Count': ro(String(connectors), 'integer'),
    'LocalAuthListCtrlr.Enabled': rw('true', 'boolean'),
    'LocalAuthListCtrlr.Entries': ro('0', 'integer'),
    'LocalAuthListCtrlr.ItemsPerMessage': ro('100', 'integer'),
    'OCPPCommCtrlr.HeartbeatInterval': rw(String(heartbeatS), 'integer'),
    'OCPPCommCtrlr.MessageAttempts': rw('3', 'integer'),
    'OCPPCommCtrlr.MessageAttemptInterval': rw('10', 'integer'),
    'OCPPCommCtrlr.NetworkConfigurationPriority': { value: '1', readonly: false, dataType: 'SequenceList', rebootRequired: true },
    'ReservationCtrlr.Enabled': rw('true', 'boolean'),
    'SampledDataCtrlr.TxUpdatedInterval': rw(String(meterIntervalS), 'integer'),
    'SampledDataCtrlr.TxUpdatedMeasurands': rw('Energy.Active.Import.Register,Power.Active.Import,SoC', 'MemberList'),
    'SampledDataCtrlr.TxEndedMeasurands': rw('Energy.Active.Import.Register', 'MemberList'),
    'SmartChargingCtrlr.Enabled': rw('true', 'boolean'),
    'SmartChargingCtrlr.ProfileStackLevel': ro('10', 'integer'),
    'TxCtrlr.EVConnectionTimeOut': rw('60', 'integer'),
    'TxCtrlr.StopTxOnEVSideDisconnect': ro('true', 'boolean'),
    'TxCtrlr.StopTxOnInvalidId': rw('true', 'boolean'),
    'TxCtrlr.TxStartPoint': ro('PowerPathClosed', 'MemberList'),
    'TxCtrlr.TxStopPoint': ro('EVConnected,Authorized', 'MemberList'),
  };
}

/** Which store key holds each setting the station acts on, per version. */
export const SETTING_KEYS = {
  '1.6': {
    heartbeat: 'HeartbeatInterval',
    meterInterval: 'MeterValueSampleInterval',
    authorizeRemote: 'AuthorizeRemoteTxRequests',
    localAuthorizeOffline: 'LocalAuthorizeOffline',
    offlineUnknown: 'AllowOfflineTxForUnknownId',
    localListEnabled: 'LocalAuthListEnabled',
    stopOnInvalid: 'StopTransactionOnInvalidId',
  },
  '2.0.1': {
    heartbeat: 'OCPPCommCtrlr.HeartbeatInterval',
    meterInterval: 'SampledDataCtrlr.TxUpdatedInterval',
    authorizeRemote: 'AuthCtrlr.AuthorizeRemoteStart',
    localAuthorizeOffline: 'AuthCtrlr.LocalAuthorizeOffline',
    offlineUnknown: 'AuthCtrlr.OfflineTxForUnknownIdEnabled',
    localListEnabled: 'LocalAuthListCtrlr.Enabled',
    stopOnInvalid: 'TxCtrlr.StopTxOnInvalidId',
  },
} as const;
