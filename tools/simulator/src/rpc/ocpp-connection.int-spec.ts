import type { AddressInfo } from 'node:net';
import { waitFor } from '@evcsms/testing';
import { WebSocketServer, type WebSocket } from 'ws';
import { AcceleratedClock } from '../clock/clock';
import { SimulatedStation } from '../station/simulated-station';

type Frame = [number, string, ...unknown[]];

/**
 * A scripted CSMS on loopback: answers the station's CALLs as told and records every frame, so the
 * station's side of OCPP-J (CALLERROR kinds, boot retries, heartbeat interval) can be checked exactly.
 */
class ScriptedCsms {
  readonly received: Frame[] = [];
  socket: WebSocket | undefined;
  private readonly server: WebSocketServer;
  bootAnswers: Array<Record<string, unknown>> = [];

  constructor() {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => [...protocols][0] ?? false });
    this.server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString()) as Frame;
        this.received.push(frame);
        if (frame[0] !== 2) return;
        const action = frame[2] as string;
        const reply =
          action === 'BootNotification'
            ? (this.bootAnswers.shift() ?? { status: 'Accepted', currentTime: new Date().toISOString(), interval: 30 })
            : action === 'Heartbeat'
              ? { currentTime: new Date().toISOString() }
              : {};
        socket.send(JSON.stringify([3, frame[1], reply]));
      });
    });
  }

  listening(): Promise<void> {
    return this.server.address() ? Promise.resolve() : new Promise((resolve) => this.server.once('listening', () => resolve()));
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/ocpp`;
  }

  /** Sends a CALL to the station and waits for its answer. */
  async call(id: string, action: string, payload: unknown): Promise<Frame> {
    this.socket!.send(JSON.stringify([2, id, action, payload]));
    const answer = await waitFor(() => this.received.find((f) => f[0] !== 2 && f[1] === id), { description: `the answer to ${action}` });
    return answer!;
  }

  calls(action: string): Frame[] {
    return this.received.filter((f) => f[0] === 2 && f[2] === action);
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(['1.6', '2.0.1'] as const)('a %s station on the wire', (protocol) => {
  let csms: ScriptedCsms;
  let station: SimulatedStation;

  beforeEach(async () => {
    csms = new ScriptedCsms();
    await csms.listening();
  });
  afterEach(async () => {
    await station?.stop();
    await csms.close();
  });

  function start(speed = 100): Promise<void> {
    station = new SimulatedStation({ id: `WIRE-${protocol}`, protocol, url: csms.url, clock: new AcceleratedClock(speed), connectors: 1 });
    return station.start();
  }

  it('answers an unknown action NotImplemented, a known one it does not do NotSupported, a bad payload with the schema error, in its version spelling', async () => {
    await start();
    expect(await csms.call('u1', 'NoSuchAction', {})).toEqual([4, 'u1', 'NotImplemented', expect.any(String), {}]);
    const unsupported = protocol === '1.6' ? ['InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: 'PEM' }] : ['SetDisplayMessage', { message: { id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'hi' } } }];
    expect(await csms.call('u2', unsupported[0] as string, unsupported[1])).toEqual([4, 'u2', 'NotSupported', expect.any(String), {}]);
    // A station-to-CSMS action sent the wrong way round.
    expect((await csms.call('u3', 'Heartbeat', {}))[2]).toBe('NotSupported');
    const badReset = await csms.call('u4', 'Reset', { type: 'Sideways' });
    expect(badReset[0]).toBe(4);
    // An enum value out of range: the same code in both versions.
    expect(badReset[2]).toBe('PropertyConstraintViolation');
    expect(await csms.call('u5', 'ClearCache', {})).toEqual([3, 'u5', { status: 'Accepted' }]);
    expect(station.stats.violations.every((v) => v.culprit === 'csms')).toBe(true);
  });

  it('retries a Pending boot after the interval the CSMS gave, then heartbeats at the accepted interval', async () => {
    csms.bootAnswers = [
      { status: 'Pending', currentTime: new Date().toISOString(), interval: 20 },
      { status: 'Rejected', currentTime: new Date().toISOString(), interval: 20 },
      { status: 'Accepted', currentTime: new Date().toISOString(), interval: 50 },
    ];
    const startedAt = Date.now();
    await start(100);
    // Two waits of 20 simulated seconds = 400 real ms at speed 100.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(380);
    expect(csms.calls('BootNotification')).toHaveLength(3);
    const accepted = Date.now();
    await waitFor(() => csms.calls('Heartbeat').length >= 2, { description: 'two heartbeats', timeoutMs: 5_000 });
    // 50 simulated seconds apart: 500 ms each at speed 100.
    expect(Date.now() - accepted).toBeGreaterThanOrEqual(950);
    expect(station.config.value(protocol === '1.6' ? 'HeartbeatInterval' : 'OCPPCommCtrlr.HeartbeatInterval')).toBe('50');
  });

  it('reconnects with backoff after the CSMS drops it, and boots again', async () => {
    await start(100);
    csms.socket!.terminate();
    await waitFor(() => csms.calls('BootNotification').length === 2, { description: 'a second boot', timeoutMs: 10_000 });
    await station.whenAccepted();
  });
});
