import { finalPoints, livePoints } from './meter-timeline';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute));

describe('the meter timeline billing hands to the pricing engine', () => {
  it('keeps points after the start in time order with energy never going down', () => {
    const points = livePoints([{ at: at(30), energyWh: 4000n }, { at: at(0), energyWh: 0n }, { at: at(20), energyWh: 4500n }, { at: at(10), energyWh: 1000n }], at(0));
    expect(points).toEqual([
      { at: at(10), energyWh: 1000n },
      { at: at(20), energyWh: 4500n },
      { at: at(30), energyWh: 4500n },
    ]);
  });

  it('cuts a finished session at its end and ends on the final energy', () => {
    const points = finalPoints([{ at: at(10), energyWh: 1000n }, { at: at(50), energyWh: 9000n }, { at: at(40), energyWh: 7000n }], at(0), at(45), 6000n);
    expect(points).toEqual([
      { at: at(10), energyWh: 1000n },
      { at: at(40), energyWh: 6000n },
      { at: at(45), energyWh: 6000n },
    ]);
  });
});
