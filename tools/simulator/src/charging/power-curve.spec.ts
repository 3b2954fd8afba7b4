import { ChargingProfileStore } from './charging-profile.store';
import { chargingPowerW, integrateCharging, TAPER_FLOOR, type EvBattery } from './power-curve';

const battery = (soc: number, capacityWh = 60_000, maxPowerW = 11_000): EvBattery => ({ capacityMwh: capacityWh * 1000, socMwh: Math.round(capacityWh * 1000 * soc), maxPowerW });
const HOUR = 3_600_000;

describe('the power curve an EV charges along', () => {
  it('draws the lesser of what the car, the connector and the profile allow while the battery is below 80 %', () => {
    expect(chargingPowerW(battery(0.2), { connectorMaxW: 22_000, profileLimitW: undefined })).toBe(11_000);
    expect(chargingPowerW(battery(0.2), { connectorMaxW: 7_400, profileLimitW: undefined })).toBe(7_400);
    expect(chargingPowerW(battery(0.2), { connectorMaxW: 22_000, profileLimitW: 4_140 })).toBe(4_140);
    expect(chargingPowerW(battery(0.2), { connectorMaxW: 22_000, profileLimitW: 0 })).toBe(0);
  });

  it('tapers linearly above 80 % to a trickle and stops when full', () => {
    const limits = { connectorMaxW: 22_000, profileLimitW: undefined };
    expect(chargingPowerW(battery(0.9), limits)).toBe(5_500);
    expect(chargingPowerW(battery(0.999), limits)).toBe(Math.floor(11_000 * TAPER_FLOOR));
    expect(chargingPowerW(battery(1), limits)).toBe(0);
    // A profile limit below the taper still wins.
    expect(chargingPowerW(battery(0.9), { connectorMaxW: 22_000, profileLimitW: 3_000 })).toBe(3_000);
  });

  it('delivers exactly power x time in whole mWh during the constant phase', () => {
    const ev = battery(0.1);
    const { deliveredMwh } = integrateCharging(ev, 0, HOUR, () => ({ connectorMaxW: 22_000, profileLimitW: 7_000 }));
    expect(deliveredMwh).toBe(7_000_000);
    expect(ev.socMwh).toBe(6_000_000 + 7_000_000);
  });

  it('never puts more into the battery than fits', () => {
    const ev = battery(0.95, 10_000);
    const { deliveredMwh, powerW } = integrateCharging(ev, 0, 10 * HOUR, () => ({ connectorMaxW: 22_000, profileLimitW: undefined }));
    expect(deliveredMwh).toBe(500_000);
    expect(ev.socMwh).toBe(ev.capacityMwh);
    expect(powerW).toBe(0);
  });

  it('follows a profile whose limit drops half-way: 11 kW for 30 min then 3.68 kW (16 A x 230 V single-phase)', () => {
    const profiles = new ChargingProfileStore();
    profiles.set({
      id: 1,
      stackLevel: 0,
      purpose: 'TxDefault',
      kind: 'Absolute',
      connectorId: 0,
      schedule: { startScheduleMs: 0, unit: 'A', periods: [{ startPeriod: 0, limit: 32, numberPhases: 3 }, { startPeriod: 1800, limit: 16, numberPhases: 1 }] },
    });
    const ev = battery(0.1);
    const { deliveredMwh } = integrateCharging(ev, 0, HOUR, (at) => ({ connectorMaxW: 22_000, profileLimitW: profiles.limitW(1, at, { startedAtMs: 0, transactionId: '1' }) }));
    expect(deliveredMwh).toBe(5_500_000 + 1_840_000);
  });
});
