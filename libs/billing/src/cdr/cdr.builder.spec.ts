import { buildCdr, correctionOf, InvalidCorrectionError } from './cdr.builder';
import { cdrToJson } from './cdr-json.mapper';
import { at, cents, steadyCharge, tariffOf } from '../../test/billing.factory';

const tariff = tariffOf({ elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] }] });
const session = {
  sessionId: 's-7',
  stationId: 'CS-7',
  evseId: 1,
  connectorId: 1,
  tokenUid: 'RFID-7',
  tokenGroup: 'public',
  startedAt: at('2026-09-01T08:00:00Z'),
  endedAt: at('2026-09-01T09:00:00Z'),
  meterPoints: steadyCharge('2026-09-01T08:00:00Z', '2026-09-01T09:00:00Z', 20_000),
};
const options = { id: 'cdr-7', timeZone: 'Europe/Amsterdam', issuedAt: at('2026-09-01T09:00:02Z') };

describe('charge detail records', () => {
  it('are immutable once issued', () => {
    const cdr = buildCdr(session, [tariff], options);
    expect(Object.isFrozen(cdr) && Object.isFrozen(cdr.totalCost) && Object.isFrozen(cdr.chargingPeriods[0]!.dimensions)).toBe(true);
    expect(() => {
      (cdr as { id: string }).id = 'other';
    }).toThrow(TypeError);
    expect(() => {
      (cdr.chargingPeriods as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('are corrected by a credit that cancels the original and a new debit that replaces it', () => {
    // The station reported 20 kWh, the calibrated meter says 18 kWh: 6.00 -> 5.40 excl. VAT.
    const original = buildCdr(session, [tariff], options);
    const fixed = buildCdr({ ...session, meterPoints: steadyCharge('2026-09-01T08:00:00Z', '2026-09-01T09:00:00Z', 18_000) }, [tariff], { ...options, id: 'cdr-7b', issuedAt: at('2026-09-03T10:00:00Z') });
    const { credit, debit } = correctionOf(original, fixed, { creditId: 'cdr-7c', issuedAt: at('2026-09-03T10:00:00Z') });
    expect(credit).toMatchObject({ id: 'cdr-7c', credit: true, creditReferenceId: 'cdr-7', totalEnergyWh: -20_000n });
    expect(cents(credit.totalCost)).toEqual([-600n, -726n]);
    expect(debit).toMatchObject({ id: 'cdr-7b', credit: false, replacesCdrId: 'cdr-7' });
    // 6.00 - 6.00 + 5.40 = 5.40 excl; 7.26 - 7.26 + 6.53 incl (5.40 x 1.21 = 6.534)
    const net = [original, credit, debit].reduce((acc, c) => [acc[0]! + c.totalCost.excl_vat.minor, acc[1]! + c.totalCost.incl_vat.minor], [0n, 0n]);
    expect(net).toEqual([540n, 653n]);
    expect(Object.isFrozen(credit) && Object.isFrozen(debit)).toBe(true);
    expect(original.totalEnergyWh).toBe(20_000n);
    expect(() => correctionOf(credit, fixed, { creditId: 'x', issuedAt: new Date() })).toThrow(InvalidCorrectionError);
    expect(() => correctionOf(original, buildCdr({ ...session, sessionId: 's-8' }, [tariff], { ...options, id: 'cdr-8' }), { creditId: 'x', issuedAt: new Date() })).toThrow(InvalidCorrectionError);
  });

  it('serialise to the API contract with exact decimal JSON numbers', () => {
    const json = JSON.stringify(cdrToJson(buildCdr(session, [tariff], options)));
    expect(json).toContain('"totalCost":{"excl_vat":6,"incl_vat":7.26}');
    expect(json).toContain('"totalEnergyWh":20000');
    expect(json).toContain('{"type":"ENERGY","volume":20}');
  });
});
