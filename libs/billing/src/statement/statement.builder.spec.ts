import fc from 'fast-check';
import { buildCdr, correctionOf, type Cdr } from '..';
import { at, steadyCharge, tariffOf } from '../../test/billing.factory';
import { buildStatement, statementRows } from './statement.builder';
import { csvField, statementToCsv } from './statement-csv';

const tariff = tariffOf({
  elements: [{ price_components: [{ type: 'ENERGY', price: '0.3333', vat: 21, step_size: 1 }, { type: 'TIME', price: '0.7777', vat: 21, step_size: 0 }] }],
});

function cdr(id: string, tokenUid: string, tokenGroup: string | null, day: number, wh: number, minutes = 60): Cdr {
  const start = `2026-03-${String(day).padStart(2, '0')}T08:00:00Z`;
  const end = new Date(Date.parse(start) + minutes * 60_000).toISOString();
  return buildCdr(
    { sessionId: `s-${id}`, stationId: 'CS-1', tokenUid, tokenGroup, startedAt: at(start), endedAt: at(end), meterPoints: steadyCharge(start, end, wh) },
    [tariff],
    { id, timeZone: 'Europe/Amsterdam', issuedAt: at(end) },
  );
}

/** A minimal RFC 4180 reader, enough to read back what we wrote. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    }
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  return rows;
}

const march = { from: at('2026-03-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') };

describe('statements', () => {
  it('group a month of CDRs per token group, credits included, totals to the cent', () => {
    const a = cdr('a', 'RFID-1', 'staff', 2, 10_000);
    const b = cdr('b', 'RFID-2', 'staff', 3, 5_000);
    const c = cdr('c', 'RFID-3', null, 4, 7_000);
    const fixed = cdr('a2', 'RFID-1', 'staff', 2, 9_000);
    const { credit, debit } = correctionOf(a, { ...fixed, sessionId: a.sessionId }, { creditId: 'a-credit', issuedAt: at('2026-03-20T00:00:00Z') });
    const april = cdr('d', 'RFID-1', 'staff', 31, 1_000, 24 * 60);
    const statement = buildStatement([a, b, c, credit, debit, april], { groupBy: 'group', ...march });
    expect(statement.groups.map((g) => [g.key, g.lines.map((l) => l.cdrId)])).toEqual([
      ['staff', ['a', 'a2', 'b', 'a-credit']],
      [null, ['c']],
    ]);
    const staff = statement.groups[0]!;
    const expected = [a, debit, b, credit].reduce((acc, x) => acc + x.totalCost.incl_vat.minor, 0n);
    expect(staff.totals.cost.incl_vat.minor).toBe(expected);
    expect(staff.totals.energyWh).toBe(14_000n);
    const total = statementRows(statement).find((r) => r.record === 'TOTAL' && r.group === 'staff');
    expect(total).toMatchObject({ energy_kwh: '14', currency: 'EUR' });
  });

  it('write CSV that survives commas, quotes, line breaks and formula-looking text', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1.50', true)).toBe('-1.50');
    const odd = cdr('x', 'tok,"1"\n', '=group', 5, 1_000);
    const csv = statementToCsv(buildStatement([odd], { groupBy: 'token', ...march }));
    const [header, line, total] = readCsv(csv);
    expect(header![0]).toBe('group');
    expect(line![0]).toBe('tok,"1"\n');
    expect(line![9]).toBe("'=group");
    expect(total![2]).toBe('TOTAL');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('totals equal the sum of their CDRs to the minor unit, in JSON and CSV', () => {
    const cdrArb = fc.record({
      token: fc.constantFrom('RFID-1', 'RFID-2', 'RFID-3'),
      group: fc.constantFrom('staff', 'residents', null),
      day: fc.integer({ min: 1, max: 28 }),
      wh: fc.integer({ min: 0, max: 80_000 }),
      minutes: fc.integer({ min: 1, max: 600 }),
      corrected: fc.option(fc.integer({ min: 0, max: 80_000 })),
    });
    fc.assert(
      fc.property(fc.array(cdrArb, { maxLength: 12 }), fc.constantFrom('token' as const, 'group' as const), (specs, groupBy) => {
        const cdrs: Cdr[] = [];
        specs.forEach((s, i) => {
          const original = cdr(`c${i}`, s.token, s.group, s.day, s.wh, s.minutes);
          cdrs.push(original);
          if (s.corrected !== null) {
            const replacement = cdr(`c${i}r`, s.token, s.group, s.day, s.corrected, s.minutes);
            const { credit, debit } = correctionOf(original, { ...replacement, sessionId: original.sessionId }, { creditId: `c${i}c`, issuedAt: at('2026-03-29T00:00:00Z') });
            cdrs.push(credit, debit);
          }
        });
        const statement = buildStatement(cdrs, { groupBy, ...march });
        const rows = readCsv(statementToCsv(statement)).slice(1);
        for (const group of statement.groups) {
          const members = cdrs.filter((c) => (groupBy === 'token' ? c.tokenUid : c.tokenGroup) === group.key);
          const excl = members.reduce((acc, c) => acc + c.totalCost.excl_vat.minor, 0n);
          const incl = members.reduce((acc, c) => acc + c.totalCost.incl_vat.minor, 0n);
          expect([group.totals.cost.excl_vat.minor, group.totals.cost.incl_vat.minor]).toEqual([excl, incl]);
          const csvTotal = rows.find((r) => r[2] === 'TOTAL' && r[0] === (group.key ?? ''))!;
          expect([toCents(csvTotal[14]!), toCents(csvTotal[15]!)]).toEqual([excl, incl]);
          const csvLines = rows.filter((r) => r[2] !== 'TOTAL' && r[0] === (group.key ?? ''));
          expect(csvLines.reduce((acc, r) => acc + toCents(r[15]!), 0n)).toBe(incl);
        }
        expect(statement.groups.reduce((acc, g) => acc + g.totals.cdrCount, 0)).toBe(cdrs.length);
      }),
      { numRuns: 60 },
    );
  });
});

/** "12.34" -> 1234n, in integers only. */
function toCents(text: string): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -value : value;
}
