import { profileFrom16, profileFrom201, type SimChargingProfile } from './charging-profile.model';
import { ChargingProfileStore } from './charging-profile.store';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const tx = { startedAtMs: T0, transactionId: '42' };

function watts(id: number, purpose: SimChargingProfile['purpose'], limitW: number, extra: Partial<SimChargingProfile> = {}): SimChargingProfile {
  return { id, stackLevel: 0, purpose, kind: 'Relative', connectorId: 1, schedule: { unit: 'W', periods: [{ startPeriod: 0, limit: limitW }] }, ...extra };
}

describe('the charging profiles a station obeys', () => {
  it('lets the highest stack level speak, a TxProfile override the default, and a station maximum cap both', () => {
    const store = new ChargingProfileStore();
    store.set(watts(1, 'TxDefault', 11_000, { connectorId: 0 }));
    store.set(watts(2, 'TxDefault', 7_000, { stackLevel: 2 }));
    expect(store.limitW(1, T0, tx)).toBe(7_000);
    expect(store.limitW(2, T0, tx)).toBe(11_000);
    store.set(watts(3, 'Tx', 9_000));
    expect(store.limitW(1, T0, tx)).toBe(9_000);
    store.set(watts(4, 'StationMax', 5_000, { kind: 'Absolute', connectorId: 0, schedule: { startScheduleMs: T0, unit: 'W', periods: [{ startPeriod: 0, limit: 5_000 }] } }));
    expect(store.limitW(1, T0, tx)).toBe(5_000);
    store.transactionEnded(1);
    expect(store.all().map((p) => p.id).sort()).toEqual([1, 2, 4]);
  });

  it('has nothing to say without profiles, or outside a schedule that has ended', () => {
    const store = new ChargingProfileStore();
    expect(store.limitW(1, T0, tx)).toBeUndefined();
    store.set(watts(1, 'TxDefault', 3_000, { schedule: { unit: 'W', durationS: 600, periods: [{ startPeriod: 0, limit: 3_000 }] } }));
    expect(store.limitW(1, T0 + 599_000, tx)).toBe(3_000);
    expect(store.limitW(1, T0 + 600_000, tx)).toBeUndefined();
  });

  it('repeats a daily recurring schedule', () => {
    const store = new ChargingProfileStore();
    store.set(watts(1, 'TxDefault', 0, { kind: 'Recurring', recurrency: 'Daily', schedule: { startScheduleMs: T0, unit: 'W', periods: [{ startPeriod: 0, limit: 2_000 }, { startPeriod: 6 * 3600, limit: 11_000 }] } }));
    expect(store.limitW(1, T0 + 3 * 86_400_000 + 3_600_000, tx)).toBe(2_000);
    expect(store.limitW(1, T0 + 3 * 86_400_000 + 7 * 3_600_000, tx)).toBe(11_000);
  });

  it('reports the composite schedule as the periods where the limit changes, capped by the connector', () => {
    const store = new ChargingProfileStore();
    store.set(watts(1, 'TxDefault', 0, { kind: 'Absolute', schedule: { startScheduleMs: T0, unit: 'W', periods: [{ startPeriod: 0, limit: 30_000 }, { startPeriod: 600, limit: 4_000 }, { startPeriod: 1200, limit: 4_000 }] } }));
    expect(store.composite(1, T0, 3600, 22_000, tx)).toEqual([
      { startPeriod: 0, limitW: 22_000 },
      { startPeriod: 600, limitW: 4_000 },
    ]);
    expect(new ChargingProfileStore().composite(1, T0, 60, 22_000, undefined)).toEqual([{ startPeriod: 0, limitW: 22_000 }]);
  });

  it('reads profiles from 1.6 and 2.0.1 payloads', () => {
    const schedule = { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] };
    expect(profileFrom16(1, { chargingProfileId: 7, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: schedule })).toMatchObject({ id: 7, purpose: 'TxDefault', connectorId: 1 });
    expect(profileFrom201(0, { id: 8, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, ...schedule }] })).toMatchObject({ id: 8, purpose: 'StationMax', connectorId: 0 });
    expect(profileFrom16(1, { chargingProfilePurpose: 'Nonsense', chargingSchedule: schedule })).toBeUndefined();
  });
});
