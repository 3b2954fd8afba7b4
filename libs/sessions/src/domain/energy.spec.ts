import fc from 'fast-check';
import { EMPTY_TALLY, extendTally, tallyEnergy, type RegisterReading } from './energy';

const reading = fc.record({
  at: fc.integer({ min: 0, max: 10_000 }),
  rank: fc.constant(1),
  wh: fc.bigInt({ min: 0n, max: 10_000_000n }),
});

/** The reference: sort, keep the highest per instant, add up the positive steps. */
function sumOfPositiveSteps(readings: readonly RegisterReading[]): bigint {
  const byInstant = new Map<number, bigint>();
  for (const r of readings) byInstant.set(r.at, (byInstant.get(r.at) ?? -1n) > r.wh ? byInstant.get(r.at)! : r.wh);
  const ordered = [...byInstant.entries()].sort(([a], [b]) => a - b).map(([, wh]) => wh);
  let total = 0n;
  for (let i = 1; i < ordered.length; i += 1) if (ordered[i]! > ordered[i - 1]!) total += ordered[i]! - ordered[i - 1]!;
  return total;
}

describe('session energy from register readings', () => {
  it('is the sum of the positive register steps, in time order, whatever order the readings came in', () => {
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 40 }), (readings) => {
        expect(tallyEnergy(readings).energyWh).toBe(sumOfPositiveSteps(readings));
      }),
    );
  });

  it('is never negative and never decreases when a reading is added, even an old one', () => {
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 30 }), reading, (readings, late) => {
        // A second, different reading of the same instant is a conflict, resolved by the maximum
        // (next property); stored energy is additionally kept from ever going down.
        fc.pre(!readings.some((r) => r.at === late.at));
        const before = tallyEnergy(readings).energyWh;
        const after = tallyEnergy([...readings, late]).energyWh;
        expect(before >= 0n).toBe(true);
        expect(after >= before).toBe(true);
      }),
    );
  });

  it('counts a repeated reading of an instant (a resend, the same register reported twice) once', () => {
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 30 }), fc.nat(), (readings, pick) => {
        const again = readings[pick % readings.length]!;
        expect(tallyEnergy([...readings, again])).toEqual(tallyEnergy(readings));
      }),
    );
  });

  it('takes the highest of conflicting readings of one instant', () => {
    expect(tallyEnergy([{ at: 1, rank: 1, wh: 100n }, { at: 2, rank: 1, wh: 150n }, { at: 2, rank: 1, wh: 160n }]).energyWh).toBe(60n);
  });

  it('counts in-order readings incrementally to exactly the full recount', () => {
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (readings, chunk) => {
        const ordered = [...readings].sort((a, b) => a.at - b.at).filter((r, i, all) => i === 0 || all[i - 1]!.at !== r.at);
        let tally = EMPTY_TALLY;
        for (let i = 0; i < ordered.length; i += chunk) tally = extendTally(tally, ordered.slice(i, i + chunk))!;
        expect(tally.energyWh).toBe(tallyEnergy(ordered).energyWh);
        expect(tally.resets).toBe(tallyEnergy(ordered).resets);
      }),
    );
  });

  it('refuses to extend with a reading that is not later than the last one counted', () => {
    const tally = tallyEnergy([{ at: 10, rank: 1, wh: 100n }]);
    expect(extendTally(tally, [{ at: 10, rank: 1, wh: 150n }])).toBeNull();
    expect(extendTally(tally, [{ at: 5, rank: 1, wh: 50n }])).toBeNull();
  });

  it('keeps counting from the new base after a meter reset', () => {
    const tally = tallyEnergy([
      { at: 0, rank: 0, wh: 1000n },
      { at: 1, rank: 1, wh: 5000n },
      { at: 2, rank: 1, wh: 200n },
      { at: 3, rank: 2, wh: 700n },
    ]);
    expect(tally).toMatchObject({ energyWh: 4500n, resets: 1 });
  });
});
