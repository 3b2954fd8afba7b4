import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { SessionsHarness } from '../test/sessions.harness';
import { at, Charger16, Station201 } from '../test/station-call.factory';

/**
 * Defence in depth behind the gateway's text check: a station message holding a value PostgreSQL
 * refuses (NUL, an unpaired surrogate) is answered with a CALLERROR, alone and inside a batch, and
 * never thrown back to the bus (which would redeliver it, or stall its partition, for ever).
 */
describe('station messages with values PostgreSQL refuses', () => {
  jest.setTimeout(60_000);
  let database: TestDatabase;
  let h: SessionsHarness;

  beforeAll(async () => {
    database = await createTestDatabase();
    h = await SessionsHarness.open(database.url);
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  const refused = { error: { kind: 'PropertyConstraintViolation', description: 'a value of this message cannot be stored' } };

  it('answers NUL in a 1.6 Authorize, BootNotification and StatusNotification with PropertyConstraintViolation', async () => {
    const cp = new Charger16('CP16-NUL');
    expect(await h.deliver(cp.authorize('TAG\u0000X'))).toEqual(refused);
    expect(await h.deliver(cp.boot({ chargePointVendor: 'Ac\u0000me' }))).toEqual(refused);
    await h.send(cp.boot());
    expect(await h.deliver(cp.status(1, 'Available', at(0), { info: 'bad\u0000info' }))).toEqual(refused);
    // Nothing of the refused messages was kept, and the station goes on.
    expect((await h.snapshot('CP16-NUL'))['statusEvents']).toEqual([]);
    await h.send(cp.status(1, 'Available', at(1)));
    expect((await h.snapshot('CP16-NUL'))['statusEvents']).toHaveLength(1);
  });

  it('answers a connector id beyond PostgreSQL integers (the 1.6 schema sets no maximum) the same way', async () => {
    const cp = new Charger16('CP16-HUGE-CONNECTOR');
    await h.send(cp.boot());
    expect(await h.deliver(cp.status(3_000_000_000, 'Available', at(0)))).toEqual(refused);
  });

  it('answers the bad message of a batch alone, and writes the others', async () => {
    const cs = new Station201('CS201-NUL-BATCH');
    const outcomes = await h.service.processBatch([cs.boot(), cs.authorize('TOKEN\u0000'), cs.status(1, 1, 'Available', at(0))]);
    expect(outcomes[0]).toMatchObject({ result: { status: 'Accepted' } });
    expect(outcomes[1]).toEqual(refused);
    expect(outcomes[2]).toEqual({ result: {} });
    expect((await h.snapshot('CS201-NUL-BATCH'))['statusEvents']).toHaveLength(1);
  });
});
