import { waitFor, type RawOcppClient } from '@evcsms/testing';
import { InProcessPlatform } from '../test/in-process-platform';
import { ResponseChecker, type OpenApiDocument } from '../test/openapi-contract';

/**
 * From a real WebSocket charger to its CDR and statement: chargers speak OCPP to the gateway,
 * the sessions service records the sessions, billing prices them with the assigned tariff, and
 * the API shows live cost, CDRs and statements. Every amount is worked out by hand in a comment.
 *
 * The tariff: 0.25 EUR/kWh, 1.20 EUR/hour while charging, 0.50 EUR per session, all 21 % VAT;
 * each dimension rounded once, half up (libs/billing/README.md).
 */
const TARIFF = {
  id: 'E2E-TARIFF',
  currency: 'EUR',
  elements: [
    {
      price_components: [
        { type: 'ENERGY', price: 0.25, vat: 21, step_size: 1 },
        { type: 'TIME', price: 1.2, vat: 21, step_size: 1 },
        { type: 'FLAT', price: 0.5, vat: 21, step_size: 1 },
      ],
    },
  ],
};

describe('billing end to end: chargers, sessions, billing and the API', () => {
  jest.setTimeout(60_000);
  let platform: InProcessPlatform;
  const testStarted = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: true });
    expect((await call('POST', '/api/v1/tariffs', TARIFF)).status).toBe(201);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => platform.call(method, path, body === undefined ? {} : { body });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API bodies are asserted field by field
  const cdrsOf = async (sessionId: string): Promise<any[]> => (await call('GET', `/api/v1/cdrs?sessionId=${sessionId}`)).body.items;
  /** The debits no credit cancels: what the driver pays for. Exactly one per finished session. */
  const standing = <T extends { id: string; credit: boolean; creditReferenceId: string | null }>(cdrs: T[]) =>
    cdrs.filter((cdr) => !cdr.credit && !cdrs.some((other) => other.creditReferenceId === cdr.id));

  async function station(stationId: string, protocol: 'ocpp1.6' | 'ocpp2.0.1'): Promise<RawOcppClient> {
    const client = await platform.connectStation(stationId, protocol);
    const boot =
      protocol === 'ocpp1.6'
        ? await client.call('b', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22' }, 5_000)
        : await client.call('b', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } }, 5_000);
    expect(boot).toEqual([3, 'b', expect.objectContaining({ status: 'Accepted' })]);
    expect((await call('PUT', `/api/v1/stations/${stationId}/tariff`, { tariffId: TARIFF.id })).status).toBe(200);
    return client;
  }

  async function onlyCdr(sessionId: string) {
    return waitFor(async () => (await cdrsOf(sessionId))[0], { description: `the CDR of session ${sessionId}`, timeoutMs: 10_000 });
  }

  let session16: string;
  let session201: string;

  it('bills a 1.6 session: live cost while charging, one CDR with the right amount at the end', async () => {
    expect((await call('POST', '/api/v1/tokens', { idToken: 'E2E-DRIVER-16', type: 'ISO14443', status: 'Accepted' })).status).toBe(201);
    const cp = await station('BILL-CP16', 'ocpp1.6');
    const start = (await cp.call('s', 'StartTransaction', { connectorId: 1, idTag: 'E2E-DRIVER-16', meterStart: 1000, timestamp: '2026-11-21T09:00:00Z' }, 5_000)) as [number, string, { transactionId: number }];
    const transactionId = start[2].transactionId;
    const meter = (value: string, at: string) => ({ connectorId: 1, transactionId, meterValue: [{ timestamp: at, sampledValue: [{ value, measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
    expect(await cp.call('m1', 'MeterValues', meter('4000', '2026-11-21T09:15:00Z'), 5_000)).toEqual([3, 'm1', {}]);
    session16 = (await call('GET', '/api/v1/sessions?stationId=BILL-CP16')).body.items[0].id;

    // After 15 min and 3 kWh: energy 0.75 + 0.1575 -> 0.16 VAT; time 0.25 h x 1.20 = 0.30 + 0.063 -> 0.06;
    // fee 0.50 + 0.105 -> 0.11. Excl. 1.55, incl. 0.91 + 0.36 + 0.61 = 1.88.
    const live = await waitFor(async () => {
      const body = (await call('GET', `/api/v1/sessions/${session16}`)).body;
      return body.cost ? body : undefined;
    }, { description: 'the live cost of the 1.6 session' });
    expect(live).toMatchObject({ status: 'active', currency: 'EUR', cost: { exclVat: '1.55', inclVat: '1.88' }, cdrId: null, tariffId: TARIFF.id });

    expect(await cp.call('m2', 'MeterValues', meter('7500', '2026-11-21T09:30:00Z'), 5_000)).toEqual([3, 'm2', {}]);
    const stop = { transactionId, meterStop: 9250, timestamp: '2026-11-21T09:40:00Z', reason: 'EVDisconnected' };
    expect((await cp.call('t', 'StopTransaction', stop, 5_000))[0]).toBe(3);
    // The charger did not see the answer and sends its StopTransaction again.
    expect((await cp.call('t2', 'StopTransaction', stop, 5_000))[0]).toBe(3);

    const cdr = await onlyCdr(session16);
    // 8.25 kWh x 0.25 = 2.0625 -> 2.06, VAT 0.433125 -> 0.43; 40 min x 1.20/h = 0.80, VAT 0.168 -> 0.17;
    // fee 0.50 + 0.11. Excl. 3.36, incl. 2.49 + 0.97 + 0.61 = 4.07.
    expect(cdr).toMatchObject({
      sessionId: session16,
      stationId: 'BILL-CP16',
      currency: 'EUR',
      totalEnergyWh: 8250,
      totalCost: { exclVat: '3.36', inclVat: '4.07' },
      totalEnergyCost: { exclVat: '2.06', inclVat: '2.49' },
      totalTimeCost: { exclVat: '0.80', inclVat: '0.97' },
      totalFixedCost: { exclVat: '0.50', inclVat: '0.61' },
      startDateTime: '2026-11-21T09:00:00.000Z',
      endDateTime: '2026-11-21T09:40:00.000Z',
      tokenUid: 'E2E-DRIVER-16',
    });
    const periods = cdr.chargingPeriods as Array<{ cost: { excl_vat: number } }>;
    expect(periods.reduce((sum, p) => sum + Math.round(p.cost.excl_vat * 100), 0)).toBe(336);
    const billed = (await call('GET', `/api/v1/sessions/${session16}`)).body;
    expect(billed).toMatchObject({ status: 'completed', cost: { exclVat: '3.36', inclVat: '4.07' }, cdrId: cdr.id });
    new ResponseChecker((await call('GET', '/docs-json')).body as OpenApiDocument).check('get', '/api/v1/sessions/{id}', 200, billed);
    expect(await cdrsOf(session16)).toHaveLength(1);
  });

  it('bills a 2.0.1 transaction and tells the station its running cost (CostUpdated)', async () => {
    expect((await call('POST', '/api/v1/tokens', { idToken: 'E2E-DRIVER-201', type: 'ISO14443', status: 'Accepted', groupId: 'E2E-FLEET' })).status).toBe(201);
    const cs = await station('BILL-CS201', 'ocpp2.0.1');
    const event = (eventType: string, seqNo: number, at: string, kwh: number) => ({
      eventType,
      timestamp: at,
      triggerReason: eventType === 'Started' ? 'Authorized' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic',
      seqNo,
      transactionInfo: { transactionId: 'TX-BILL-1', ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
      evse: { id: 1, connectorId: 1 },
      ...(eventType === 'Started' ? { idToken: { idToken: 'E2E-DRIVER-201', type: 'ISO14443' } } : {}),
      meterValue: [{ timestamp: at, sampledValue: [{ value: kwh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } }] }],
    });
    expect((await cs.call('e1', 'TransactionEvent', event('Started', 0, '2026-11-21T10:00:00Z', 10.5), 5_000))[0]).toBe(3);
    expect((await cs.call('e2', 'TransactionEvent', event('Updated', 1, '2026-11-21T10:20:00Z', 20.25), 5_000))[0]).toBe(3);

    // After 20 min and 9.75 kWh: energy 2.4375 -> 2.44 + 0.511875 -> 0.51; time 1/3 h x 1.20 = 0.40 + 0.084 -> 0.08;
    // fee 0.50 + 0.11: 4.04 incl. VAT.
    const costUpdated = await cs.expectCall('CostUpdated', 10_000);
    expect(costUpdated[3]).toEqual({ totalCost: 4.04, transactionId: 'TX-BILL-1' });
    cs.sendFrame([3, costUpdated[1], {}]);

    expect((await cs.call('e3', 'TransactionEvent', event('Ended', 2, '2026-11-21T10:45:00Z', 32.125), 5_000))[0]).toBe(3);
    session201 = (await call('GET', '/api/v1/sessions?stationId=BILL-CS201')).body.items[0].id;
    const cdr = await onlyCdr(session201);
    // 21.625 kWh x 0.25 = 5.40625 -> 5.41, VAT 1.1353125 -> 1.14; 45 min = 0.90 + 0.189 -> 0.19; fee 0.50 + 0.11.
    // Excl. 6.81, incl. 6.55 + 1.09 + 0.61 = 8.25.
    expect(cdr).toMatchObject({ stationId: 'BILL-CS201', totalEnergyWh: 21_625, totalCost: { exclVat: '6.81', inclVat: '8.25' }, tokenUid: 'E2E-DRIVER-201', tokenGroup: 'E2E-FLEET' });
    expect(await cdrsOf(session201)).toHaveLength(1);
  });

  it('bills a 1.6 charger that loses power mid-session once, correcting the CDR when its stop arrives late', async () => {
    const cp = await station('BILL-CP16-POWER', 'ocpp1.6');
    const start = (await cp.call('s', 'StartTransaction', { connectorId: 1, idTag: 'E2E-DRIVER-16', meterStart: 0, timestamp: '2026-11-21T12:00:00Z' }, 5_000)) as [number, string, { transactionId: number }];
    const transactionId = start[2].transactionId;
    const meter = { connectorId: 1, transactionId, meterValue: [{ timestamp: '2026-11-21T12:30:00Z', sampledValue: [{ value: '6000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] };
    expect(await cp.call('m', 'MeterValues', meter, 5_000)).toEqual([3, 'm', {}]);
    // Power comes back; the charger reports the connector Available before it replays its queue.
    expect((await cp.call('a', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: '2026-11-21T13:00:00Z' }, 5_000))[0]).toBe(3);
    const sessionId = (await call('GET', '/api/v1/sessions?stationId=BILL-CP16-POWER')).body.items[0].id;
    const first = await onlyCdr(sessionId);
    // Closed at 13:00 with 6 kWh: energy 1.50 + 0.315 -> 0.32; charging 30 min = 0.60 + 0.126 -> 0.13
    // (the idle half hour after the last reading is parking, not priced); fee 0.50 + 0.11.
    expect(first.totalCost).toEqual({ exclVat: '2.60', inclVat: '3.16' });

    expect((await cp.call('t', 'StopTransaction', { transactionId, meterStop: 8000, timestamp: '2026-11-21T12:45:00Z', reason: 'PowerLoss' }, 5_000))[0]).toBe(3);
    const records = await waitFor(async () => {
      const found = await cdrsOf(sessionId);
      return found.length === 3 ? found : null;
    }, { description: 'the correction of the power-loss session' });
    if (!records) throw new Error('unreachable: waitFor returns what the predicate found');
    const [debit] = standing(records);
    // Stopped at 12:45 with 8 kWh: energy 2.00 + 0.42; charging 45 min = 0.90 + 0.189 -> 0.19; fee 0.50 + 0.11.
    expect(standing(records)).toHaveLength(1);
    expect(debit).toMatchObject({ replacesCdrId: first.id, totalEnergyWh: 8000, totalCost: { exclVat: '3.40', inclVat: '4.12' } });
    expect(records.find((r) => r.credit)).toMatchObject({ creditReferenceId: first.id, totalCost: { exclVat: '-2.60', inclVat: '-3.16' } });
    expect((await call('GET', `/api/v1/sessions/${sessionId}`)).body).toMatchObject({ cost: { exclVat: '3.40', inclVat: '4.12' }, cdrId: debit.id });
  });

  it('exports a statement whose totals equal the sum of the CDRs', async () => {
    const period = `from=${testStarted}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const statement = (await call('GET', `/api/v1/statements?groupBy=token&${period}`)).body;
    const totals = Object.fromEntries(
      statement.groups.map((g: { key: string; totals: { cdrCount: number; cost: { exclVat: string; inclVat: string } } }) => [g.key, [g.totals.cdrCount, g.totals.cost.exclVat, g.totals.cost.inclVat]]),
    );
    // 1.6: 3.36/4.07 plus the power-loss session 2.60 - 2.60 + 3.40 = 6.76 / 4.07 + 4.12 = 8.19.
    expect(totals).toEqual({ 'E2E-DRIVER-16': [4, '6.76', '8.19'], 'E2E-DRIVER-201': [1, '6.81', '8.25'] });

    const byGroup = (await call('GET', `/api/v1/statements?groupBy=group&${period}&format=csv`)).body as string;
    const totalRows = byGroup
      .trim()
      .split('\r\n')
      .filter((line) => line.split(',')[2] === 'TOTAL')
      .map((line) => [line.split(',')[0], ...line.split(',').slice(-2)]);
    expect(totalRows).toEqual([
      ['E2E-FLEET', '6.81', '8.25'],
      ['', '6.76', '8.19'],
    ]);
    expect(standing(await cdrsOf(session16))).toHaveLength(1);
    expect(standing(await cdrsOf(session201))).toHaveLength(1);
  });
});
