import { resolveTariff, type TariffAssignment } from './tariff-assignment';

const where = { siteId: 'harbour', stationId: 'CS-1', evseId: 1, connectorId: 2, tokenGroup: 'staff' };
const t = Date.parse('2026-05-01T12:00:00Z');

describe('tariff assignment', () => {
  it('follows token group > connector > EVSE > station > site > default', () => {
    const all: TariffAssignment[] = [
      { tariffId: 'default', scope: { kind: 'default' } },
      { tariffId: 'site', scope: { kind: 'site', siteId: 'harbour' } },
      { tariffId: 'station', scope: { kind: 'station', stationId: 'CS-1' } },
      { tariffId: 'evse', scope: { kind: 'evse', stationId: 'CS-1', evseId: 1 } },
      { tariffId: 'connector', scope: { kind: 'connector', stationId: 'CS-1', evseId: 1, connectorId: 2 } },
      { tariffId: 'group', scope: { kind: 'token-group', tokenGroup: 'staff' } },
      { tariffId: 'group-here', scope: { kind: 'token-group', tokenGroup: 'staff', siteId: 'harbour' } },
    ];
    const expected = ['group-here', 'group', 'connector', 'evse', 'station', 'site', 'default'];
    for (let i = 0; i < all.length; i += 1) {
      // remove the strongest one by one: the next in line takes over
      expect(resolveTariff(all.slice(0, all.length - i), where, t)?.tariffId).toBe(expected[i]);
    }
    expect(resolveTariff([], where, t)).toBeNull();
  });

  it('uses the assignment in effect, the latest one among equals, and never depends on load order', () => {
    const promo: TariffAssignment = { tariffId: 'spring-promo', scope: { kind: 'token-group', tokenGroup: 'staff' }, validFrom: Date.parse('2026-04-01T00:00:00Z'), validUntil: Date.parse('2026-06-01T00:00:00Z') };
    const regular: TariffAssignment = { tariffId: 'staff', scope: { kind: 'token-group', tokenGroup: 'staff' } };
    expect(resolveTariff([promo, regular], where, t)?.tariffId).toBe('spring-promo');
    expect(resolveTariff([regular, promo], where, t)?.tariffId).toBe('spring-promo');
    expect(resolveTariff([regular, promo], where, Date.parse('2026-06-01T00:00:00Z'))?.tariffId).toBe('staff');
    const twin = { ...regular, tariffId: 'staff-b' };
    expect(resolveTariff([twin, regular], where, t - 1e12)?.tariffId).toBe('staff');
  });
});
