import { buildCdr, correctionOf, parseTariff } from '@evcsms/billing';
import { energyTariff } from '../../test/session-event.factory';
import { cdrDocument, cdrFromDocument, cdrRow, cdrView } from './cdr-document.mapper';

describe('a CDR stored as a document', () => {
  const tariff = parseTariff({ ...energyTariff('T-DOC'), version: 1 });
  const session = {
    sessionId: '7d0c2f1e-0f0a-4c38-9d4e-3f3e1c0a9b11',
    stationId: 'CP-1',
    evseId: 1,
    connectorId: 1,
    tokenUid: 'TAG-1',
    tokenGroup: 'FLEET',
    startedAt: new Date('2026-11-20T10:00:00Z'),
    endedAt: new Date('2026-11-20T11:00:00Z'),
    meterPoints: [{ at: new Date('2026-11-20T10:30:00Z'), energyWh: 5000 }, { at: new Date('2026-11-20T11:00:00Z'), energyWh: 11_111 }],
  };
  const original = buildCdr(session, [tariff], { id: '00000000-0000-4000-8000-000000000001', timeZone: 'UTC', issuedAt: new Date('2026-11-20T11:00:05Z') });

  it('reads back exactly what was issued, through JSON as jsonb keeps it', () => {
    const stored = JSON.parse(JSON.stringify(cdrDocument(original))) as Record<string, unknown>;
    expect(cdrFromDocument(stored)).toEqual(original);
  });

  it('reads back credits with their negative amounts', () => {
    const corrected = buildCdr({ ...session, meterPoints: [...session.meterPoints.slice(0, 1), { at: session.endedAt, energyWh: 12_000 }] }, [tariff], {
      id: '00000000-0000-4000-8000-000000000002',
      timeZone: 'UTC',
      issuedAt: new Date('2026-11-21T09:00:00Z'),
    });
    const { credit } = correctionOf(original, corrected, { creditId: '00000000-0000-4000-8000-000000000003', issuedAt: new Date('2026-11-21T09:00:00Z') });
    expect(cdrFromDocument(JSON.parse(JSON.stringify(cdrDocument(credit))) as Record<string, unknown>)).toEqual(credit);
    expect(cdrRow(credit)).toMatchObject({ record: 'CREDIT', credit_reference_id: original.id, total_cost_excl_vat: `-${original.totalCost.excl_vat.minor}` });
  });

  it('shows Money as decimal strings in the API view', () => {
    // 11.111 kWh x 0.25 = 2.77775 -> 2.78, VAT 0.55555 -> 0.56; fee 1.00 + 0.20.
    expect(cdrView(original)).toMatchObject({ currency: 'EUR', totalEnergyWh: 11_111, totalCost: { exclVat: '3.78', inclVat: '4.54' } });
  });
});
