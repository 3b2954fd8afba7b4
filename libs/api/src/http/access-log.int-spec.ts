import { ADMIN_KEY, InProcessPlatform } from '../../test/in-process-platform';

/**
 * The API's own log and metrics over real HTTP: one access log line per request with the route
 * template and the key's name (never the key), the request histogram, and the lifecycle of a
 * command sent to a real WebSocket station.
 */
describe('API access log, request metrics and command log', () => {
  jest.setTimeout(30_000);
  let platform: InProcessPlatform;

  beforeAll(async () => {
    platform = await InProcessPlatform.start({ withSessions: false });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const lines = (msg: string) => platform.apiLogs.filter((line) => line['msg'] === msg);

  it('logs each request once with method, route template, status, duration and the key name, never the key', async () => {
    platform.apiLogs.length = 0;
    expect((await platform.call('GET', '/api/v1/stations/CP-UNKNOWN-1?x=1')).status).toBe(400);
    expect((await platform.call('GET', '/api/v1/stations/CP-UNKNOWN-1')).status).toBe(404);
    expect((await platform.call('GET', '/api/v1/stations', { key: 'csms_not-a-key' })).status).toBe(401);

    expect(lines('http request')).toEqual([
      expect.objectContaining({ level: 'info', method: 'GET', route: '/api/v1/stations/:id', status: 400, keyId: 'bootstrap', keyName: expect.stringContaining('bootstrap') }),
      expect.objectContaining({ level: 'info', method: 'GET', route: '/api/v1/stations/:id', status: 404, durationMs: expect.any(Number), keyId: 'bootstrap' }),
      expect.objectContaining({ method: 'GET', route: '/api/v1/stations', status: 401, keyId: null, keyName: null }),
    ]);
    const logged = JSON.stringify(platform.apiLogs);
    expect(logged).not.toContain(ADMIN_KEY);
    expect(logged).not.toContain('csms_not-a-key');
    expect(logged).not.toContain('CP-UNKNOWN-1');
    expect(logged.toLowerCase()).not.toContain('bearer');
  });

  it('counts requests in http_server_requests_seconds by method, route template and status', async () => {
    await platform.call('GET', '/api/v1/no/such/route');
    const metrics = await platform.apiMetrics.render();
    expect(metrics).toMatch(/http_server_requests_seconds_count\{method="GET",route="\/api\/v1\/stations\/:id",status="404"\} 1\n/);
    expect(metrics).toMatch(/http_server_requests_seconds_count\{method="GET",route="\/api\/v1\/stations",status="401"\} 1\n/);
    expect(metrics).toMatch(/http_server_requests_seconds_count\{method="GET",route="unmatched",status="404"\} 1\n/);
  });

  it('logs a command when it is sent and when the station answers, with outcome and duration', async () => {
    platform.apiLogs.length = 0;
    const client = await platform.connectStation('CP-CMDLOG', 'ocpp1.6');
    const pending = platform.call('POST', '/api/v1/stations/CP-CMDLOG/commands/reset', { body: { type: 'Soft' } });
    const [, messageId] = await client.expectCall('Reset', 5_000);
    client.sendFrame([3, messageId, { status: 'Accepted' }]);
    expect((await pending).status).toBe(200);
    const errored = platform.call('POST', '/api/v1/stations/CP-CMDLOG/commands/clear-cache');
    const [, clearId] = await client.expectCall('ClearCache', 5_000);
    client.sendFrame([4, clearId, 'NotSupported', 'no cache here', {}]);
    expect((await errored).status).toBe(502);

    expect(lines('command sent')).toEqual([
      expect.objectContaining({ stationId: 'CP-CMDLOG', action: 'Reset' }),
      expect.objectContaining({ stationId: 'CP-CMDLOG', action: 'ClearCache' }),
    ]);
    expect(lines('command answered')).toEqual([
      expect.objectContaining({ level: 'info', stationId: 'CP-CMDLOG', action: 'Reset', outcome: 'result', durationMs: expect.any(Number) }),
      expect.objectContaining({ level: 'warn', stationId: 'CP-CMDLOG', action: 'ClearCache', outcome: 'callerror', errorCode: 'NotSupported' }),
    ]);
    const metrics = await platform.apiMetrics.render();
    expect(metrics).toMatch(/csms_api_command_duration_seconds_count\{action="Reset",outcome="result"\} 1\n/);
    expect(metrics).toMatch(/csms_api_command_duration_seconds_count\{action="ClearCache",outcome="callerror"\} 1\n/);
  });
});
