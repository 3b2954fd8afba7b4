import { extendTally, READING_RANK, tallyEnergy, type EnergyTally, type RegisterReading } from '../domain/energy';
import { isEnergyRegister, registerReading } from '../domain/meter-sample';
import { SESSION_FLAGS, withFlag, type SessionState } from '../domain/session.model';
import type { MeterValueRepository, StoredSample } from './meter-value.repository';

/** The register readings among newly stored samples. */
export function readingsOf(stored: readonly StoredSample[]): RegisterReading[] {
  return stored.filter(isEnergyRegister).map((sample) => registerReading(sample.sampledAt, sample.value));
}

/** 1.6 meterStart / meterStop as readings, where the session has them. */
function meterBounds(session: SessionState): RegisterReading[] {
  if (session.protocol !== 'ocpp1.6') return [];
  const bounds: RegisterReading[] = [];
  if (session.meterStartWh !== null) bounds.push({ at: session.startedAt.getTime(), rank: READING_RANK.meterStart, wh: session.meterStartWh });
  if (session.meterStopWh !== null && session.endedAt) {
    bounds.push({ at: session.endedAt.getTime(), rank: READING_RANK.meterStop, wh: session.meterStopWh });
  }
  return bounds;
}

/**
 * Counts new register readings into the session's energy: incrementally when they are all later
 * than the last reading counted (the hot path: no extra read), otherwise by a recount of every
 * stored reading (an out-of-order 2.0.1 event, a sample older than the last one). Energy never
 * decreases; a step down flags a meter reset.
 *
 * 1.6 sessions count from meterStart (at startedAt) to meterStop (at endedAt); the caller puts a
 * new meterStop into `session` and passes it in `fresh` as well.
 */
export async function countEnergy(session: SessionState, fresh: readonly RegisterReading[], meterValues: MeterValueRepository): Promise<SessionState> {
  if (fresh.length === 0) return session;
  const running: EnergyTally = {
    energyWh: session.energyWh,
    resets: 0,
    first: null,
    last: session.registerLastAt && session.registerLastWh !== null ? { at: session.registerLastAt.getTime(), rank: 0, wh: session.registerLastWh } : null,
  };
  let tally = extendTally(running, fresh);
  let first = session.meterStartWh ?? tally?.first?.wh ?? null;
  if (!tally) {
    const stored = await meterValues.registerReadings(session.id);
    tally = tallyEnergy([...meterBounds(session), ...stored.map((s) => registerReading(s.sampledAt, s.value))]);
    first = session.protocol === 'ocpp1.6' ? session.meterStartWh : (tally.first?.wh ?? null);
  }
  const last = tally.last;
  return {
    ...session,
    energyWh: tally.energyWh > session.energyWh ? tally.energyWh : session.energyWh,
    flags: tally.resets > 0 ? withFlag(session.flags, SESSION_FLAGS.meterReset) : session.flags,
    registerLastWh: last ? last.wh : session.registerLastWh,
    registerLastAt: last ? new Date(last.at) : session.registerLastAt,
    meterStartWh: first,
  };
}
