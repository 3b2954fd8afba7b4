import { RawOcppClient, startProcess, temporaryDirectory, waitFor, type RunningProcess } from '@evcsms/testing';

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';

/** The quick start's promise: `npm start`, a 1.6 and a 2.0.1 charger, sessions visible in the API. */
describe('the all-in-one CSMS on embedded defaults', () => {
  jest.setTimeout(120_000);
  const data = temporaryDirectory('csms-e2e-');
  let csms: RunningProcess;
  let ocppPort: number;
  let httpPort: number;
  const clients: RawOcppClient[] = [];

  async function start(): Promise<void> {
    csms = await startProcess('apps/csms/src/main.ts', { OCPP_PORT: '0', HTTP_PORT: '0', DATA_DIR: data.path, ADMIN_API_KEY: ADMIN_KEY });
    ocppPort = csms.ready['ocppPort'] as number;
    httpPort = csms.ready['httpPort'] as number;
  }

  beforeAll(start);
  afterAll(async () => {
    for (const client of clients) client.terminate();
    await csms?.stop();
    data.remove();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  async function api(path: string): Promise<any> {
    const response = await fetch(`http://127.0.0.1:${httpPort}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(response.status).toBe(200);
    return response.json();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
  async function send(method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`http://127.0.0.1:${httpPort}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  async function connect(stationId: string, protocol: 'ocpp1.6' | 'ocpp2.0.1'): Promise<RawOcppClient> {
    const client = await RawOcppClient.connect(`ws://127.0.0.1:${ocppPort}/ocpp/${stationId}`, { protocols: [protocol] });
    clients.push(client);
    return client;
  }

  it('records a full 1.6 session with the right energy', async () => {
    const cp = await connect('E2E-CP16', 'ocpp1.6');
    const boot = await cp.call('1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC22', chargePointSerialNumber: 'SN-16' }, 15_000);
    expect(boot).toEqual([3, '1', expect.objectContaining({ status: 'Accepted' })]);
    // 0.30 EUR/kWh + 21 % VAT for this station: the session below gets a CDR.
    expect((await send('POST', '/tariffs', { id: 'E2E-KWH', currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] }] })).status).toBe(201);
    expect((await send('PUT', '/stations/E2E-CP16/tariff', { tariffId: 'E2E-KWH' })).status).toBe(200);
    expect((await cp.call('2', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' }, 15_000))[0]).toBe(3);
    const auth = await cp.call('3', 'Authorize', { idTag: 'UNKNOWN-TAG' }, 15_000);
    expect(auth).toEqual([3, '3', { idTagInfo: { status: 'Invalid' } }]);
    const start16 = (await cp.call('4', 'StartTransaction', { connectorId: 1, idTag: 'E2E-TAG', meterStart: 1000, timestamp: '2026-11-22T10:00:00Z' }, 15_000)) as [number, string, { transactionId: number }];
    const transactionId = start16[2].transactionId;
    expect(Number.isInteger(transactionId)).toBe(true);
    const meter = (value: string, at: string) => ({ connectorId: 1, transactionId, meterValue: [{ timestamp: at, sampledValue: [{ value, measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
    expect(await cp.call('5', 'MeterValues', meter('4000', '2026-11-22T10:15:00Z'), 15_000)).toEqual([3, '5', {}]);
    expect(await cp.call('6', 'MeterValues', meter('7500', '2026-11-22T10:30:00Z'), 15_000)).toEqual([3, '6', {}]);
    expect((await cp.call('7', 'StopTransaction', { transactionId, meterStop: 9250, timestamp: '2026-11-22T10:40:00Z', reason: 'EVDisconnected' }, 15_000))[0]).toBe(3);

    const sessions = await api('/sessions?stationId=E2E-CP16');
    expect(sessions.items).toEqual([expect.objectContaining({ status: 'completed', energyWh: 8250, transactionId: String(transactionId), stopReason: 'EVDisconnected' })]);
    const station = await api('/stations/E2E-CP16');
    expect(station).toMatchObject({ id: 'E2E-CP16', protocol: 'ocpp1.6', vendor: 'Acme', model: 'AC22', online: true });

    // 8.25 kWh x 0.30 = 2.475 -> 2.48, VAT 0.51975 -> 0.52.
    const cdrs = await waitFor(async () => {
      const found = await api(`/cdrs?sessionId=${sessions.items[0].id}`);
      return found.items.length > 0 ? found.items : undefined;
    }, { description: 'the CDR of the 1.6 session', timeoutMs: 10_000 });
    expect(cdrs).toEqual([expect.objectContaining({ stationId: 'E2E-CP16', currency: 'EUR', totalEnergyWh: 8250, totalCost: { exclVat: '2.48', inclVat: '3.00' } })]);
  });

  it('records a full 2.0.1 session with the right energy', async () => {
    const cs = await connect('E2E-CS201', 'ocpp2.0.1');
    const boot = await cs.call('b', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } }, 15_000);
    expect(boot).toEqual([3, 'b', expect.objectContaining({ status: 'Accepted' })]);
    const event = (eventType: string, seqNo: number, at: string, wh: number, extra: Record<string, unknown> = {}) => ({
      eventType,
      timestamp: at,
      triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic',
      seqNo,
      transactionInfo: { transactionId: 'TX-201-1', ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
      evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: at, sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } }] }],
      ...extra,
    });
    expect((await cs.call('t1', 'TransactionEvent', event('Started', 0, '2026-11-22T11:00:00Z', 10.5), 15_000))[0]).toBe(3);
    expect((await cs.call('t2', 'TransactionEvent', event('Updated', 1, '2026-11-22T11:20:00Z', 20.25), 15_000))[0]).toBe(3);
    expect((await cs.call('t3', 'TransactionEvent', event('Ended', 2, '2026-11-22T11:45:00Z', 32.125), 15_000))[0]).toBe(3);

    const sessions = await api('/sessions?stationId=E2E-CS201');
    expect(sessions.items).toEqual([expect.objectContaining({ status: 'completed', energyWh: 21_625, transactionId: 'TX-201-1' })]);
  });

  it('keeps its data across a restart', async () => {
    for (const client of clients.splice(0)) client.terminate();
    expect(await csms.stop()).toBe(0);
    await start();
    const sessions = await api('/sessions');
    expect(sessions.items.map((session: { stationId: string }) => session.stationId).sort()).toEqual(['E2E-CP16', 'E2E-CS201']);
    // Nothing is connected to a CSMS that just started: no station may still show online.
    const stations = await api('/stations');
    expect(stations.items.map((station: { id: string; online: boolean }) => [station.id, station.online])).toEqual([
      ['E2E-CP16', false],
      ['E2E-CS201', false],
    ]);
    const cdrs = await api('/cdrs?stationId=E2E-CP16');
    expect(cdrs.items).toEqual([expect.objectContaining({ totalCost: { exclVat: '2.48', inclVat: '3.00' } })]);
    const again = await connect('E2E-CP16', 'ocpp1.6');
    await waitFor(async () => (await api('/stations/E2E-CP16')).online === true, { description: 'E2E-CP16 online again', timeoutMs: 10_000 });
    again.terminate();
  });
});
