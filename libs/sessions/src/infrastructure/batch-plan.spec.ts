import fc from 'fast-check';
import { planWaves, type PlannedItem } from './batch-plan';

type Kind = 'boot' | 'status' | 'meter' | 'start';
const item = (stationId: string, kind: Kind): PlannedItem<Kind> => ({ stationId, kind });
const REPEATABLE = new Set<Kind>(['meter']);

describe('planWaves', () => {
  it('puts the first message of every station in one wave, grouped by kind', () => {
    const plan = planWaves([item('A', 'boot'), item('B', 'status'), item('C', 'boot')]);
    expect(plan).toEqual([
      [
        { kind: 'boot', indexes: [0, 2] },
        { kind: 'status', indexes: [1] },
      ],
    ]);
  });

  it("puts a station's next message in the next wave, after its boot", () => {
    // A boot storm: each station boots, then reports its connectors.
    const plan = planWaves([item('A', 'boot'), item('A', 'status'), item('A', 'status'), item('B', 'boot'), item('B', 'status')]);
    expect(plan).toEqual([
      [{ kind: 'boot', indexes: [0, 3] }],
      [{ kind: 'status', indexes: [1, 4] }],
      [{ kind: 'status', indexes: [2] }],
    ]);
  });

  it('keeps a run of one station\'s repeatable messages in one wave, but not across another kind', () => {
    const plan = planWaves([item('A', 'meter'), item('A', 'meter'), item('A', 'start'), item('A', 'meter')], REPEATABLE);
    expect(plan).toEqual([[{ kind: 'meter', indexes: [0, 1] }], [{ kind: 'start', indexes: [2] }], [{ kind: 'meter', indexes: [3] }]]);
  });

  it('keeps every message exactly once, each station in order, and non-repeatable kinds once per station per wave', () => {
    const station = fc.constantFrom('A', 'B', 'C', 'D');
    const kind = fc.constantFrom<Kind>('boot', 'status', 'meter', 'start');
    fc.assert(
      fc.property(fc.array(fc.record({ stationId: station, kind }), { maxLength: 60 }), (items) => {
        const plan = planWaves(items, REPEATABLE);
        const executed = plan.flatMap((wave) => wave.flatMap((group) => group.indexes));
        expect([...executed].sort((a, b) => a - b)).toEqual(items.map((_, index) => index));
        for (const id of ['A', 'B', 'C', 'D']) {
          const own = executed.filter((index) => items[index]!.stationId === id);
          expect(own).toEqual([...own].sort((a, b) => a - b));
        }
        for (const wave of plan) {
          for (const group of wave) {
            expect(group.indexes.every((index) => items[index]!.kind === group.kind)).toBe(true);
            if (REPEATABLE.has(group.kind)) continue;
            const stations = group.indexes.map((index) => items[index]!.stationId);
            expect(new Set(stations).size).toBe(stations.length);
          }
        }
      }),
    );
  });
});
