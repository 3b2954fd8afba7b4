import { STATUS_CODES } from 'node:http';
import { strictHttpExchange, upgradeRequest } from '@evcsms/testing';
import { selectEngine } from './select-engine';
import type { EngineHandlers, ListeningEngine } from './websocket-engine';

// Every refusal an engine can be asked to write must carry an RFC 9112 status line with the
// standard reason phrase: uWS writes `HTTP/1.1 401` on its own, which strict clients reject.
describe.each(['uws', 'ws'] as const)('upgrade refusals on the %s engine', (name) => {
  let listening: ListeningEngine | undefined;
  afterEach(async () => {
    await listening?.stopAccepting();
    listening = undefined;
  });

  async function listen(upgrade: EngineHandlers<unknown>['upgrade']): Promise<number> {
    const noop = (): void => undefined;
    listening = await selectEngine(name).engine.listen(
      { host: '127.0.0.1', port: 0, maxPayloadBytes: 65_536, maxBackpressureBytes: 262_144 },
      { upgrade, open: noop, message: noop, pong: noop, drain: noop, close: noop },
    );
    return listening.port;
  }

  it.each([400, 401, 403, 404, 429, 503])('refuses with "HTTP/1.1 %i <standard reason>", headers and body intact', async (status) => {
    const port = await listen(async () => ({ accept: false, status, reason: 'refused for the test', headers: { 'Retry-After': '7' } }));
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP1'));
    expect(response.statusLine).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.body).toBe('refused for the test\n');
  });

  it('answers "500 Internal Server Error" when the upgrade handler fails', async () => {
    const port = await listen(async () => Promise.reject(new Error('boom')));
    const response = await strictHttpExchange(port, upgradeRequest('/ocpp/CP1'));
    expect(response.statusLine).toBe('HTTP/1.1 500 Internal Server Error');
  });

  it('answers a plain GET with "426 Upgrade Required"', async () => {
    const port = await listen(async () => ({ accept: false, status: 400, reason: 'unused' }));
    const response = await strictHttpExchange(port, 'GET /ocpp/CP1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(response.statusLine).toBe('HTTP/1.1 426 Upgrade Required');
    expect(response.headers['upgrade']).toBe('websocket');
  });
});
