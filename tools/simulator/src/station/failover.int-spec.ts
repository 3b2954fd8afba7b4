import { freePort, waitFor } from '@evcsms/testing';
import { WebSocketServer, type WebSocket } from 'ws';
import { AcceleratedClock } from '../clock/clock';
import { SimulatedStation } from './simulated-station';

/** A bare OCPP 1.6 endpoint: accepts the boot, acknowledges everything else. */
async function tinyCsms(): Promise<{ url: string; sockets: Set<WebSocket>; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'ocpp1.6' });
  await new Promise((resolve) => server.once('listening', resolve));
  const sockets = new Set<WebSocket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data: Buffer) => {
      const [type, id, action] = JSON.parse(data.toString()) as [number, string, string];
      if (type !== 2) return;
      const payload = action === 'BootNotification' ? { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 } : action === 'Heartbeat' ? { currentTime: new Date().toISOString() } : {};
      socket.send(JSON.stringify([3, id, payload]));
    });
  });
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    sockets,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.terminate();
      server.close(() => resolve());
    }),
  };
}

describe('a charger behind a load balancer fails over to a live endpoint', () => {
  jest.setTimeout(30_000);

  it('connects through the failover URL when its first endpoint refuses, and moves again when that one dies', async () => {
    const dead = `ws://127.0.0.1:${await freePort()}/ocpp`;
    const [first, second] = [await tinyCsms(), await tinyCsms()];
    const station = new SimulatedStation({
      id: 'CP-FAILOVER',
      protocol: '1.6',
      url: dead,
      failoverUrls: [first.url, second.url],
      clock: new AcceleratedClock(20),
      connectors: 1,
    });
    try {
      await station.start();
      expect(station.url).toBe(first.url);
      expect(first.sockets.size).toBe(1);

      await first.close();
      // Refused by the dead endpoint and by the one just closed, accepted by the last.
      await waitFor(() => station.online && second.sockets.size === 1, { description: 'the station on the second endpoint', timeoutMs: 15_000 });
      expect(station.url).toBe(second.url);
    } finally {
      await station.stop();
      await second.close();
    }
  });
});
