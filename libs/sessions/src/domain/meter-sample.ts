import { parseDecimal, shift, toInteger, toPlainString, type Decimal } from './decimal';
import { READING_RANK, type RegisterReading } from './energy';

export const ENERGY_REGISTER = 'Energy.Active.Import.Register';

/** One sampled value, in the units the platform keeps (Wh, W, varh, var, VA...), exact. */
export interface MeterSample {
  readonly sampledAt: Date;
  readonly measurand: string;
  /** '' when the station sent none (the unique index treats '' as a value, NULL it would not). */
  readonly phase: string;
  readonly location: string;
  readonly context: string;
  readonly unit: string;
  /** Plain decimal text. */
  readonly value: string;
}

export interface RawSample {
  readonly sampledAt: Date;
  readonly value: Decimal;
  readonly measurand?: string | undefined;
  readonly phase?: string | undefined;
  readonly location?: string | undefined;
  readonly context?: string | undefined;
  readonly unit?: string | undefined;
  /** 2.0.1 unitOfMeasure.multiplier: a power of ten. */
  readonly multiplier?: number | undefined;
}

/** Prefixed units are kept in their base unit (power of ten to apply). */
const BASE_UNITS: Readonly<Record<string, readonly [string, number]>> = {
  kWh: ['Wh', 3],
  kW: ['W', 3],
  kvarh: ['varh', 3],
  kvar: ['var', 3],
  kVA: ['VA', 3],
  MWh: ['Wh', 6],
  MW: ['W', 6],
  // 1.6 spells it both ways.
  Celcius: ['Celsius', 0],
};

/**
 * The unit a sample has when the station names none: OCPP says Wh for energy; for other
 * measurands the unit they are always reported in.
 */
function defaultUnit(measurand: string): string {
  if (measurand.startsWith('Energy.Reactive')) return 'varh';
  if (measurand.startsWith('Energy.')) return 'Wh';
  if (measurand.startsWith('Power.Reactive')) return 'var';
  if (measurand === 'Power.Factor') return '';
  if (measurand.startsWith('Power.')) return 'W';
  if (measurand.startsWith('Current.')) return 'A';
  if (measurand === 'Voltage') return 'V';
  if (measurand === 'Frequency') return 'Hz';
  if (measurand === 'SoC') return 'Percent';
  if (measurand === 'Temperature') return 'Celsius';
  return '';
}

export function normaliseSample(raw: RawSample): MeterSample {
  const measurand = raw.measurand ?? ENERGY_REGISTER;
  const sentUnit = raw.unit ?? defaultUnit(measurand);
  const [unit, power] = BASE_UNITS[sentUnit] ?? [sentUnit, 0];
  return {
    sampledAt: raw.sampledAt,
    measurand,
    phase: raw.phase ?? '',
    location: raw.location ?? '',
    context: raw.context ?? '',
    unit,
    value: toPlainString(shift(raw.value, power + (raw.multiplier ?? 0))),
  };
}

/** Whether a sample is a reading of the energy delivered to the EV: phase-less, at the outlet (or unstated). */
export function isEnergyRegister(sample: Pick<MeterSample, 'measurand' | 'phase' | 'location' | 'unit'>): boolean {
  return (
    sample.measurand === ENERGY_REGISTER &&
    sample.phase === '' &&
    (sample.location === '' || sample.location === 'Outlet') &&
    sample.unit === 'Wh'
  );
}

/** A stored register sample as a reading: integer Wh, rounded half away from zero. */
export function registerReading(sampledAt: Date, value: string, rank: number = READING_RANK.sample): RegisterReading {
  const decimal = parseDecimal(value);
  if (!decimal) throw new Error(`not a decimal: ${value}`);
  return { at: sampledAt.getTime(), rank, wh: toInteger(decimal) };
}
