import { createServer } from 'node:net';
import { freePort } from './ports';

describe('freePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('returns different ports on consecutive calls (usually)', async () => {
    const ports = new Set(await Promise.all([freePort(), freePort(), freePort()]));
    expect(ports.size).toBeGreaterThan(1);
  });
});
