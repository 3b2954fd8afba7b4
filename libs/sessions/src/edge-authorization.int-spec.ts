import type { EdgeAuthorization, StationCallEnvelope } from '@evcsms/contracts';
import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { SessionsHarness } from '../test/sessions.harness';
import { at, Charger16 } from '../test/station-call.factory';

/** What a gateway publishes after answering an Authorize itself: the Authorize again, 'ack', with its decision. */
function answeredAtEdge(authorize: StationCallEnvelope, decision: Partial<EdgeAuthorization> = {}): StationCallEnvelope {
  return {
    ...authorize,
    replyMode: 'ack',
    edgeDecision: { status: 'Accepted', source: 'cached', reason: 'unavailable', decidedAt: authorize.receivedAt, learnedAt: at(-60), ...decision },
  };
}

describe('Authorize decisions made at the edge, recorded by the sessions service', () => {
  jest.setTimeout(60_000);
  let database: TestDatabase;
  let h: SessionsHarness;

  beforeAll(async () => {
    database = await createTestDatabase();
    h = await SessionsHarness.open(database.url);
    await h.db.query(`INSERT INTO id_tokens (id_token, type, status) VALUES ('EDGE-BLOCKED', 'ISO14443', 'Blocked'), ('EDGE-OK', 'ISO14443', 'Accepted'), ('EDGE-LATER', 'ISO14443', 'Accepted')`);
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  const edgeRows = (stationId: string): Promise<Array<Record<string, unknown>>> =>
    h.db.query(`SELECT message_id, id_token, edge_status, source, reason, service_status FROM edge_authorizations WHERE station_id = $1 ORDER BY id`, [stationId]);
  const flagsOf = async (stationId: string): Promise<string[][]> => (await h.sessions(stationId)).map((session) => session.flags);

  it('flags a session that started before the edge record arrived, once however often it is delivered', async () => {
    const cp = new Charger16('CP-EDGE-LATE-RECORD');
    const authorize = cp.authorize('edge-blocked');
    await h.send(cp.start({ connectorId: 1, idTag: 'EDGE-BLOCKED', meterStart: 0, timestamp: at(1) }));
    expect(await flagsOf('CP-EDGE-LATE-RECORD')).toEqual([['unauthorized-start']]);

    const record = answeredAtEdge(authorize);
    expect(await h.deliver(record)).toEqual({ result: {} });
    expect(await h.deliver(record)).toEqual({ result: {} });
    expect(await edgeRows('CP-EDGE-LATE-RECORD')).toEqual([
      { message_id: authorize.messageId, id_token: 'edge-blocked', edge_status: 'Accepted', source: 'cached', reason: 'unavailable', service_status: 'Blocked' },
    ]);
    expect(await flagsOf('CP-EDGE-LATE-RECORD')).toEqual([['unauthorized-start', 'authorized-at-edge']]);
    expect(h.logger.entries.some((entry) => entry.message === 'a token the CSMS refuses was accepted at the edge during an outage')).toBe(true);
  });

  it('flags a session started after an edge Accepted within the hour, not one started later, and never for an edge refusal', async () => {
    const cp = new Charger16('CP-EDGE-WINDOW');
    const accepted = cp.authorize('EDGE-OK');
    await h.deliver(answeredAtEdge(accepted));
    const soon = await h.send<{ transactionId: number }>(cp.start({ connectorId: 1, idTag: 'EDGE-OK', meterStart: 0, timestamp: at(2) }, { receivedAt: at(2) }));
    expect((await h.session('CP-EDGE-WINDOW', soon.transactionId)).flags).toEqual(['authorized-at-edge']);

    await h.deliver(answeredAtEdge(cp.authorize('EDGE-LATER')));
    await h.send(cp.start({ connectorId: 2, idTag: 'EDGE-LATER', meterStart: 0, timestamp: at(90) }, { receivedAt: at(90) }));
    const refused = cp.authorize('EDGE-BLOCKED');
    await h.deliver(answeredAtEdge(refused, { status: 'Blocked' }));
    await h.send(cp.start({ connectorId: 3, idTag: 'EDGE-BLOCKED', meterStart: 0, timestamp: at(91) }));
    expect(await flagsOf('CP-EDGE-WINDOW')).toEqual([['authorized-at-edge'], [], ['unauthorized-start']]);
  });
});
