/** A charging profile in one shape for both versions (1.6 and 2.0.1 differ in names only). */
export type ProfilePurpose = 'StationMax' | 'TxDefault' | 'Tx' | 'External';

export interface SchedulePeriod {
  /** Seconds from the schedule's start. */
  readonly startPeriod: number;
  readonly limit: number;
  readonly numberPhases?: number;
}

export interface SimChargingProfile {
  readonly id: number;
  readonly stackLevel: number;
  readonly purpose: ProfilePurpose;
  readonly kind: 'Absolute' | 'Recurring' | 'Relative';
  readonly recurrency?: 'Daily' | 'Weekly';
  readonly validFromMs?: number;
  readonly validToMs?: number;
  readonly transactionId?: string;
  /** 1.6 connector / 2.0.1 EVSE; 0 is the whole station. */
  readonly connectorId: number;
  readonly schedule: {
    readonly startScheduleMs?: number;
    readonly durationS?: number;
    readonly unit: 'W' | 'A';
    readonly periods: readonly SchedulePeriod[];
    readonly minChargingRate?: number;
  };
}

export const NOMINAL_VOLTAGE = 230;
export const DEFAULT_PHASES = 3;

const PURPOSES_16: Record<string, ProfilePurpose> = { ChargePointMaxProfile: 'StationMax', TxDefaultProfile: 'TxDefault', TxProfile: 'Tx' };
const PURPOSES_201: Record<string, ProfilePurpose> = {
  ChargingStationMaxProfile: 'StationMax',
  TxDefaultProfile: 'TxDefault',
  TxProfile: 'Tx',
  ChargingStationExternalConstraints: 'External',
};

export function purposeFrom(version: '1.6' | '2.0.1', wire: string): ProfilePurpose | undefined {
  return (version === '1.6' ? PURPOSES_16 : PURPOSES_201)[wire];
}

export function purposeTo(version: '1.6' | '2.0.1', purpose: ProfilePurpose): string {
  const table = version === '1.6' ? PURPOSES_16 : PURPOSES_201;
  return Object.keys(table).find((key) => table[key] === purpose) ?? 'TxDefaultProfile';
}

const time = (text: unknown): number | undefined => (typeof text === 'string' ? Date.parse(text) : undefined);

interface WireSchedule {
  startSchedule?: string;
  duration?: number;
  chargingRateUnit: 'W' | 'A';
  chargingSchedulePeriod: Array<{ startPeriod: number; limit: number; numberPhases?: number }>;
  minChargingRate?: number;
}

/** 1.6 csChargingProfiles -> the common shape. */
export function profileFrom16(connectorId: number, wire: Record<string, unknown>): SimChargingProfile | undefined {
  const purpose = purposeFrom('1.6', String(wire['chargingProfilePurpose']));
  const schedule = wire['chargingSchedule'] as WireSchedule;
  if (!purpose) return undefined;
  return {
    id: wire['chargingProfileId'] as number,
    stackLevel: wire['stackLevel'] as number,
    purpose,
    kind: wire['chargingProfileKind'] as SimChargingProfile['kind'],
    ...(wire['recurrencyKind'] ? { recurrency: wire['recurrencyKind'] as 'Daily' | 'Weekly' } : {}),
    ...optionalTimes(wire['validFrom'], wire['validTo']),
    ...(typeof wire['transactionId'] === 'string' || typeof wire['transactionId'] === 'number' ? { transactionId: String(wire['transactionId']) } : {}),
    connectorId,
    schedule: scheduleFrom(schedule),
  };
}

/** 2.0.1 chargingProfile (the first of its schedules) -> the common shape. */
export function profileFrom201(evseId: number, wire: Record<string, unknown>): SimChargingProfile | undefined {
  const purpose = purposeFrom('2.0.1', String(wire['chargingProfilePurpose']));
  const schedule = (wire['chargingSchedule'] as WireSchedule[] | undefined)?.[0];
  if (!purpose || !schedule) return undefined;
  return {
    id: wire['id'] as number,
    stackLevel: wire['stackLevel'] as number,
    purpose,
    kind: wire['chargingProfileKind'] as SimChargingProfile['kind'],
    ...(wire['recurrencyKind'] ? { recurrency: wire['recurrencyKind'] as 'Daily' | 'Weekly' } : {}),
    ...optionalTimes(wire['validFrom'], wire['validTo']),
    ...(typeof wire['transactionId'] === 'string' || typeof wire['transactionId'] === 'number' ? { transactionId: String(wire['transactionId']) } : {}),
    connectorId: evseId,
    schedule: scheduleFrom(schedule),
  };
}

function optionalTimes(from: unknown, to: unknown): Pick<SimChargingProfile, 'validFromMs' | 'validToMs'> {
  const validFromMs = time(from);
  const validToMs = time(to);
  return { ...(validFromMs !== undefined ? { validFromMs } : {}), ...(validToMs !== undefined ? { validToMs } : {}) };
}

function scheduleFrom(wire: WireSchedule): SimChargingProfile['schedule'] {
  const startScheduleMs = time(wire.startSchedule);
  return {
    ...(startScheduleMs !== undefined ? { startScheduleMs } : {}),
    ...(wire.duration !== undefined ? { durationS: wire.duration } : {}),
    unit: wire.chargingRateUnit,
    periods: [...wire.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod),
    ...(wire.minChargingRate !== undefined ? { minChargingRate: wire.minChargingRate } : {}),
  };
}
