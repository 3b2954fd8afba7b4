import { ENGINES, startTestGateway, type TestGateway } from '../test/gateway-harness';
import { RawOcppClient, refusal } from '../test/raw-ocpp-client';

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC22' };
const boot201 = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC150' } };

describe.each(ENGINES)('OCPP gateway on the %s engine', (engine) => {
  let harness: TestGateway;
  const clients: RawOcppClient[] = [];
  async function connect(stationId: string, protocols?: string[], headers?: Record<string, string>): Promise<RawOcppClient> {
    const client = await RawOcppClient.connect(harness.url(stationId), { protocols: protocols ?? ['ocpp1.6'], headers: headers ?? {} });
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await harness?.close();
  });

  describe('subprotocol negotiation', () => {
    beforeEach(async () => {
      harness = await startTestGateway(engine);
    });

    it.each([
      [['ocpp1.6'], 'ocpp1.6'],
      [['ocpp2.0.1'], 'ocpp2.0.1'],
      [['ocpp1.6', 'ocpp2.0.1'], 'ocpp2.0.1'],
      [['ocpp2.0.1', 'ocpp1.6'], 'ocpp2.0.1'],
      [['ocpp1.5', 'ocpp1.6'], 'ocpp1.6'],
    ])('a station offering %j is served %s', async (offered, chosen) => {
      const client = await connect('CP-NEG', offered);
      expect(client.protocol).toBe(chosen);
      expect(harness.events.onlines('CP-NEG')[0]!.protocol).toBe(chosen);
    });

    it('refuses a station that offers no supported OCPP version, saying which are supported', async () => {
      const refused = await refusal(connect('CP-OLD', ['ocpp1.5']));
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('ocpp2.0.1, ocpp1.6');
    });

    it('refuses a station that offers no subprotocol at all', async () => {
      const refused = await refusal(connect('CP-NONE', []));
      expect(refused.status).toBe(400);
    });
  });

  it('follows the configured preference order when a station offers both versions', async () => {
    harness = await startTestGateway(engine, { protocols: ['ocpp1.6', 'ocpp2.0.1'] });
    const client = await connect('CP-PREF', ['ocpp2.0.1', 'ocpp1.6']);
    expect(client.protocol).toBe('ocpp1.6');
  });

  it('logs one line when a station connects and one when it disconnects, with the reason', async () => {
    harness = await startTestGateway(engine);
    const client = await connect('CP-LOG', ['ocpp2.0.1']);
    const connected = harness.logs.filter((line) => line['msg'] === 'station connected');
    expect(connected).toEqual([expect.objectContaining({ level: 'info', stationId: 'CP-LOG', protocol: 'ocpp2.0.1', securityProfile: 0, connectionId: expect.any(String) })]);
    client.close();
    await client.until(() => harness.logs.some((line) => line['msg'] === 'station disconnected'), 3_000, 'the disconnect log line');
    expect(harness.logs.filter((line) => line['msg'] === 'station disconnected')).toEqual([
      expect.objectContaining({ stationId: 'CP-LOG', connectionId: connected[0]!['connectionId'], reason: 'closed-by-station', closeCode: expect.any(Number) }),
    ]);
  });

  describe('station identity in the path', () => {
    beforeEach(async () => {
      harness = await startTestGateway(engine);
    });

    it('URL-decodes the last path segment', async () => {
      await connect('CP%2D17');
      expect(harness.events.onlines()[0]!.stationId).toBe('CP-17');
    });

    it.each([
      ['a space', 'CP%2017'],
      ['a colon (Basic auth separator)', 'CP%3A1'],
      ['49 characters', 'X'.repeat(49)],
      ['broken URL encoding', 'CP%E0%A4%A'],
      ['a dot-dot segment', '..'],
    ])('refuses an id with %s', async (_what, id) => {
      const refused = await refusal(connect(id));
      expect(refused.status).toBe(400);
    });

    it('refuses paths outside /ocpp/', async () => {
      const refused = await refusal(RawOcppClient.connect(`ws://127.0.0.1:${harness.port}/other/CP1`, { protocols: ['ocpp1.6'] }));
      expect(refused.status).toBe(400);
    });
  });

  describe('station calls', () => {
    it('passes a validated CALL to the handler and returns its answer on the same connection', async () => {
      harness = await startTestGateway(engine);
      const client = await connect('CP-BOOT', ['ocpp2.0.1']);
      const reply = await client.call('m1', 'BootNotification', boot201);
      expect(reply).toEqual([3, 'm1', expect.objectContaining({ status: 'Accepted', interval: 300 })]);
      expect(harness.calls).toHaveLength(1);
      expect(harness.calls[0]).toMatchObject({ stationId: 'CP-BOOT', protocol: 'ocpp2.0.1', action: 'BootNotification', messageId: 'm1' });
    });

    it('answers Heartbeat at the edge and still reports the station as active', async () => {
      harness = await startTestGateway(engine);
      const client = await connect('CP-HB');
      const reply = (await client.call('hb1', 'Heartbeat', {})) as [number, string, { currentTime: string }];
      expect(reply[0]).toBe(3);
      expect(Math.abs(Date.parse(reply[2].currentTime) - Date.now())).toBeLessThan(5_000);
      expect(harness.calls).toHaveLength(0);
      expect(harness.events.log).toContainEqual({ type: 'activity', stationId: 'CP-HB' });
    });

    it('answers InternalError when the handler fails, and the connection keeps working', async () => {
      harness = await startTestGateway(engine, {}, (call) => {
        if (call.messageId === 'boom') throw new Error('database down');
        return { result: { status: 'Accepted', currentTime: new Date().toISOString(), interval: 60 } };
      });
      const client = await connect('CP-ERR');
      expect(await client.call('boom', 'BootNotification', boot16)).toEqual([4, 'boom', 'InternalError', expect.any(String), {}]);
      expect((await client.call('ok', 'BootNotification', boot16))[0]).toBe(3);
    });

    it('never sends a response that violates the schema: InternalError instead', async () => {
      harness = await startTestGateway(engine, {}, () => ({ result: { status: 'Maybe' } }));
      const client = await connect('CP-BADREPLY');
      expect(await client.call('x1', 'BootNotification', boot16)).toEqual([4, 'x1', 'InternalError', expect.any(String), {}]);
    });

    it('handles pipelined CALLs one at a time, in order', async () => {
      const order: string[] = [];
      harness = await startTestGateway(engine, {}, async (call) => {
        order.push(`start ${call.messageId}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        order.push(`end ${call.messageId}`);
        return { result: {} };
      });
      const client = await connect('CP-PIPE');
      const status = { connectorId: 1, errorCode: 'NoError', status: 'Available' };
      const replies = await Promise.all([client.call('a', 'StatusNotification', status), client.call('b', 'StatusNotification', status)]);
      expect(replies.map((reply) => reply[0])).toEqual([3, 3]);
      expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
    });

    it('refuses CALLs beyond the rate limit with a CALLERROR and keeps the connection', async () => {
      harness = await startTestGateway(engine, { messagesPerSecond: 1, messageBurst: 2 });
      const client = await connect('CP-RATE');
      expect((await client.call('r1', 'Heartbeat', {}))[0]).toBe(3);
      expect((await client.call('r2', 'Heartbeat', {}))[0]).toBe(3);
      expect(await client.call('r3', 'Heartbeat', {})).toEqual([4, 'r3', 'GenericError', expect.stringContaining('Rate limit'), {}]);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await client.call('r4', 'Heartbeat', {}))[0]).toBe(3);
    });
  });

  describe('calls to the station', () => {
    beforeEach(async () => {
      harness = await startTestGateway(engine, { callTimeoutMs: 300 });
    });

    it('correlates the station result with the call', async () => {
      const client = await connect('CP-CMD');
      const pending = harness.gateway.call('CP-CMD', 'Reset', { type: 'Soft' });
      const [, messageId] = await client.expectCall('Reset');
      client.sendFrame([3, messageId, { status: 'Accepted' }]);
      await expect(pending).resolves.toEqual({ status: 'result', payload: { status: 'Accepted' } });
    });

    it('keeps one call outstanding per station and sends the next after the answer', async () => {
      const client = await connect('CP-QUEUE');
      const first = harness.gateway.call('CP-QUEUE', 'Reset', { type: 'Soft' });
      const second = harness.gateway.call('CP-QUEUE', 'ClearCache', {});
      const [, firstId] = await client.expectCall('Reset');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.received.filter((frame) => Array.isArray(frame) && frame[0] === 2)).toHaveLength(1);
      client.sendFrame([3, firstId, { status: 'Accepted' }]);
      const [, secondId] = await client.expectCall('ClearCache');
      client.sendFrame([3, secondId, { status: 'Rejected' }]);
      await expect(first).resolves.toMatchObject({ status: 'result' });
      await expect(second).resolves.toEqual({ status: 'result', payload: { status: 'Rejected' } });
    });

    it('times out, counts the late answer and drops it', async () => {
      const client = await connect('CP-SLOW');
      const pending = harness.gateway.call('CP-SLOW', 'Reset', { type: 'Hard' });
      const [, messageId] = await client.expectCall('Reset');
      await expect(pending).resolves.toMatchObject({ status: 'failed', failure: 'timeout' });
      client.sendFrame([3, messageId, { status: 'Accepted' }]);
      client.sendFrame([3, 'never-sent', { status: 'Accepted' }]);
      await client.call('after', 'Heartbeat', {});
      const metrics = await harness.metrics.render();
      expect(metrics).toMatch(/ocpp_gateway_stray_responses_total\{kind="late"\} 1/);
      expect(metrics).toMatch(/ocpp_gateway_stray_responses_total\{kind="unknown"\} 1/);
      expect(metrics).toMatch(/ocpp_gateway_call_timeouts_total\{action="Reset"\} 1/);
    });

    it('reports a station CALLERROR with its code', async () => {
      const client = await connect('CP-CE');
      const pending = harness.gateway.call('CP-CE', 'Reset', { type: 'Soft' });
      const [, messageId] = await client.expectCall('Reset');
      client.sendFrame([4, messageId, 'NotSupported', 'no reset here', {}]);
      await expect(pending).resolves.toEqual({ status: 'error', errorCode: 'NotSupported', errorDescription: 'no reset here', errorDetails: {} });
    });

    it('rejects an answer that violates the schema', async () => {
      const client = await connect('CP-IR');
      const pending = harness.gateway.call('CP-IR', 'Reset', { type: 'Soft' });
      const [, messageId] = await client.expectCall('Reset');
      client.sendFrame([3, messageId, { status: 'Perhaps' }]);
      await expect(pending).resolves.toMatchObject({ status: 'failed', failure: 'invalid-response' });
    });

    it('refuses an invalid request before it reaches the station', async () => {
      await connect('CP-IV');
      await expect(harness.gateway.call('CP-IV', 'Reset', { type: 'Sideways' })).resolves.toMatchObject({ status: 'failed', failure: 'invalid-request' });
    });

    it('refuses station-initiated actions and unknown stations', async () => {
      await connect('CP-DIR');
      await expect(harness.gateway.call('CP-DIR', 'Heartbeat', {})).resolves.toMatchObject({ failure: 'not-supported' });
      await expect(harness.gateway.call('CP-NOBODY', 'Reset', { type: 'Soft' })).resolves.toMatchObject({ failure: 'offline' });
    });

    it('bounds the queue of calls waiting for one station (50 by default)', async () => {
      await connect('CP-FULL');
      const calls = Array.from({ length: 52 }, () => harness.gateway.call('CP-FULL', 'ClearCache', {}));
      await expect(calls[51]).resolves.toMatchObject({ status: 'failed', failure: 'queue-full' });
    });

    it('fails outstanding calls when the station disconnects: the one it received as delivered, the waiting one as never sent', async () => {
      const client = await connect('CP-GONE');
      const pending = harness.gateway.call('CP-GONE', 'Reset', { type: 'Soft' });
      await client.expectCall('Reset');
      const waiting = harness.gateway.call('CP-GONE', 'ClearCache', {});
      client.terminate();
      await expect(pending).resolves.toMatchObject({ status: 'failed', failure: 'delivered-no-answer' });
      await expect(waiting).resolves.toMatchObject({ status: 'failed', failure: 'connection-closed' });
    });
  });

  describe('connection lifecycle', () => {
    it('replaces the older connection of a station and reports it offline once', async () => {
      harness = await startTestGateway(engine);
      const first = await connect('CP-DUP');
      const second = await connect('CP-DUP');
      await expect(first.closed).resolves.toEqual({ code: 1000, reason: 'Replaced by a newer connection' });
      expect(harness.events.offlines('CP-DUP')).toEqual([expect.objectContaining({ reason: 'replaced' })]);
      expect(harness.events.onlines('CP-DUP')).toHaveLength(2);
      expect((await second.call('still', 'Heartbeat', {}))[0]).toBe(3);
      expect(harness.gateway.connectionCount).toBe(1);
    });

    it('reports a station that closes its socket as closed-by-station', async () => {
      harness = await startTestGateway(engine);
      const client = await connect('CP-BYE');
      client.socket.close(1000, 'bye');
      await client.closed;
      await client.until(() => harness.events.offlines('CP-BYE').length === 1, 2_000, 'offline event');
      expect(harness.events.offlines('CP-BYE')[0]).toMatchObject({ reason: 'closed-by-station', closeCode: 1000 });
    });

    it('pings quiet stations and drops the ones that stop answering', async () => {
      harness = await startTestGateway(engine, { pingIntervalMs: 200, idleTimeoutMs: 700 });
      const alive = await connect('CP-ALIVE');
      const dead = await connect('CP-DEAD');
      await alive.until(() => alive.pings >= 1, 2_000, 'a ping');
      (dead.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      await alive.until(() => harness.events.offlines('CP-DEAD').length === 1, 3_000, 'the dead station to time out');
      expect(harness.events.offlines('CP-DEAD')[0]!.reason).toBe('timeout');
      expect(harness.gateway.isConnected('CP-ALIVE')).toBe(true);
    });

    it('closes with 1009 on a frame above the size limit', async () => {
      harness = await startTestGateway(engine, { maxPayloadBytes: 2_048 });
      const client = await connect('CP-BIG');
      client.sendFrame([2, 'big', 'DataTransfer', { vendorId: 'x', data: 'y'.repeat(3_000) }]);
      await expect(client.closed).resolves.toMatchObject({ code: 1009 });
      await client.until(() => harness.events.offlines('CP-BIG').length === 1, 2_000, 'offline event');
      expect(harness.events.offlines('CP-BIG')[0]!.reason).toBe('protocol-error');
    });

    it('closes with 1003 on a binary frame', async () => {
      harness = await startTestGateway(engine);
      const client = await connect('CP-BIN');
      client.send(Buffer.from(JSON.stringify([2, 'b', 'Heartbeat', {}])));
      await expect(client.closed).resolves.toMatchObject({ code: 1003 });
      await client.until(() => harness.events.offlines('CP-BIN').length === 1, 2_000, 'offline event');
      expect(harness.events.offlines('CP-BIN')[0]!.reason).toBe('protocol-error');
    });
  });

  describe('protection', () => {
    it('quarantines a station that reconnects too often, with Retry-After', async () => {
      harness = await startTestGateway(engine, { reconnectLimit: 3, reconnectWindowMs: 60_000, quarantineMs: 30_000 });
      for (let attempt = 0; attempt < 3; attempt += 1) (await connect('CP-FLAP')).terminate();
      const refused = await refusal(connect('CP-FLAP'));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(29);
      expect((await connect('CP-CALM')).protocol).toBe('ocpp1.6');
    });

    it('stops admitting at the connection cap and reports not ready', async () => {
      harness = await startTestGateway(engine, { maxConnections: 2 });
      await connect('CP-A');
      await connect('CP-B');
      const refused = await refusal(connect('CP-C'));
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(harness.gateway.readiness().ready).toBe(false);
    });
  });

  describe('graceful drain', () => {
    it('turns not-ready at once, finishes in-flight calls, then closes every socket with 1012', async () => {
      let release: () => void = () => undefined;
      harness = await startTestGateway(engine, { drainDeadlineMs: 5_000, drainSpreadMs: 200 }, async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return { result: { status: 'Accepted', currentTime: new Date().toISOString(), interval: 60 } };
      });
      const busy = await connect('CP-BUSY');
      const idle = await connect('CP-IDLE');
      busy.sendFrame([2, 'inflight', 'BootNotification', boot16]);
      await busy.until(() => harness.calls.length === 1, 2_000, 'the call to reach the handler');

      const draining = harness.gateway.drain();
      expect(harness.gateway.readiness().ready).toBe(false);
      await expect(RawOcppClient.connect(harness.url('CP-NEW'))).rejects.toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(busy.closeCode).toBeUndefined();

      release();
      await draining;
      expect(busy.received).toContainEqual([3, 'inflight', expect.objectContaining({ status: 'Accepted' })]);
      await expect(busy.closed).resolves.toMatchObject({ code: 1012 });
      await expect(idle.closed).resolves.toMatchObject({ code: 1012 });
      expect(harness.events.offlines().map((event) => event.reason)).toEqual(['drained', 'drained']);
    });
  });
});
