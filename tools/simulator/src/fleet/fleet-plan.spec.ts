import { protocolFor, sliceStations, tokenFor } from './fleet-plan';

describe('how a fleet is laid out', () => {
  it('gives each protocol its share, to the station, whichever worker asks', () => {
    const mix = [
      { protocol: 'ocpp1.6' as const, share: 0.9 },
      { protocol: 'ocpp2.0.1' as const, share: 0.1 },
    ];
    const protocols = Array.from({ length: 200 }, (_, i) => protocolFor(i, 200, mix));
    expect(protocols.filter((p) => p === 'ocpp2.0.1')).toHaveLength(20);
    expect(protocolFor(0, 1, mix)).toBe('ocpp1.6');
  });

  it('splits stations over workers without gaps or overlaps', () => {
    expect(sliceStations(10, 3)).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 10 },
    ]);
    expect(sliceStations(1, 4)).toEqual([{ start: 0, end: 1 }]);
  });

  it('keeps RFID tokens within the 1.6 idTag length', () => {
    expect(tokenFor('T', 99_999, 2)).toBe('T99999C2');
    expect(tokenFor('A-VERY-LONG-PREFIX-', 12345, 1).length).toBeLessThanOrEqual(20);
  });
});
