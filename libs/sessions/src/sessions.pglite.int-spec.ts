import { InProcessBus, silentBusLog } from '@evcsms/bus';
import { startPgliteServer, type PgliteServer } from '@evcsms/testing';
import { ordinarySession16, ordinarySession201, outOfOrder201, rebootMidSession16 } from '../test/charging-stories';
import { SessionsHarness } from '../test/sessions.harness';
import { OutboxRelay } from '.';

/** The key stories again on PGlite, the embedded mode's database: same code, same results. */
describe('the sessions domain on PGlite (embedded mode)', () => {
  jest.setTimeout(90_000);
  let pglite: PgliteServer;
  let h: SessionsHarness;

  beforeAll(async () => {
    pglite = await startPgliteServer();
    h = await SessionsHarness.open(pglite.url, {}, Math.floor(pglite.maxConnections / 2));
    h.redeliver = true;
  });
  afterAll(async () => {
    await h?.close();
    await pglite?.stop();
  });

  it('a 1.6 session, every message delivered twice', async () => {
    await ordinarySession16(h, 'LITE-16');
  });

  it('a 2.0.1 session, every message delivered twice', async () => {
    await ordinarySession201(h, 'LITE-201');
  });

  it('2.0.1 events out of order', async () => {
    await outOfOrder201(h, 'LITE-OOO');
  });

  it('a 1.6 reboot mid-session and the late StopTransaction', async () => {
    await rebootMidSession16(h, 'LITE-REBOOT');
  });

  it('the outbox relayed once', async () => {
    const bus = new InProcessBus({ log: silentBusLog });
    try {
      const relay = new OutboxRelay(h.db, bus);
      expect(await relay.runOnce()).toBeGreaterThan(10);
      expect(await relay.runOnce()).toBe(0);
    } finally {
      await bus.close();
    }
  });
});
