import type { PendingCommand, PendingCommandStore } from '../src/connection-registry.port';
import { type ContractStore, type ContractStoreFactory, eventually, sleep } from './contract-store';

export interface PendingCommandStoreContractOptions {
  /** How long finished commands stay readable; the suite asks for a short one to watch them go. */
  readonly completedRetentionMs: number;
}

/** Long enough never to lapse during a test. */
const LONG_RETENTION_MS = 60_000;
const SHORT_RETENTION_MS = 300;
const HOUR_MS = 3_600_000;

let commandSeq = 0;

function command(stationId: string, overrides: Partial<PendingCommand> & { ttlMs?: number; ageMs?: number } = {}): PendingCommand {
  const { ttlMs = HOUR_MS, ageMs = 0, ...rest } = overrides;
  commandSeq += 1;
  const now = Date.now();
  return {
    commandId: `cmd-${commandSeq}-${Math.random().toString(36).slice(2, 8)}`,
    stationId,
    action: 'Reset',
    payload: { type: 'Immediate', seq: commandSeq },
    createdAt: new Date(now - ageMs).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
    ...rest,
  };
}

/** The rules of PendingCommandStore, run against every adapter. Each client() stands for another process. */
export function describePendingCommandStoreContract(
  name: string,
  openStore: ContractStoreFactory<PendingCommandStore, PendingCommandStoreContractOptions>,
): void {
  describe(`PendingCommandStore contract: ${name}`, () => {
    let store: ContractStore<PendingCommandStore> | undefined;
    let pending: PendingCommandStore;

    async function open(completedRetentionMs = LONG_RETENTION_MS): Promise<void> {
      store = await openStore({ completedRetentionMs });
      pending = await store.client();
    }

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('a queued command can be read back as Queued, exactly as enqueued', async () => {
      await open();
      const queued = command('CP-1', { action: 'ChangeAvailability', payload: { operationalStatus: 'Inoperative', evse: { id: 1 } } });

      await pending.enqueue(queued);

      const record = await pending.get(queued.commandId);
      expect(record).toMatchObject({ ...queued, status: 'Queued' });
      expect(Date.parse(record!.updatedAt)).not.toBeNaN();
      expect(record!.outcome).toBeUndefined();
      expect(await pending.get('cmd-unknown')).toBeUndefined();
    });

    it('a station that reconnects gets its waiting commands oldest first, once, and only its own', async () => {
      await open();
      const second = command('CP-1', { ageMs: 2_000 });
      const third = command('CP-1', { ageMs: 1_000 });
      const first = command('CP-1', { ageMs: 3_000 });
      const someoneElses = command('CP-2');
      for (const queued of [second, third, someoneElses, first]) await pending.enqueue(queued);

      expect(await pending.takeDue('CP-1')).toEqual([first, second, third]);

      expect(await pending.takeDue('CP-1')).toEqual([]);
      expect(await pending.takeDue('CP-2')).toEqual([someoneElses]);
      expect(await pending.takeDue('CP-never')).toEqual([]);
    });

    it('commands created in the same millisecond come out in the order they were enqueued', async () => {
      await open();
      const createdAt = new Date().toISOString();
      const commands = Array.from({ length: 10 }, () => command('CP-1', { createdAt }));
      for (const queued of commands) await pending.enqueue(queued);

      expect((await pending.takeDue('CP-1')).map((c) => c.commandId)).toEqual(commands.map((c) => c.commandId));
    });

    it('with five processes taking at once, each command is handed out exactly once', async () => {
      await open();
      const commands = Array.from({ length: 60 }, () => command('CP-1'));
      await Promise.all(commands.map((queued) => pending.enqueue(queued)));
      const takers = await Promise.all(Array.from({ length: 5 }, () => store!.client()));

      const results = await Promise.all(takers.flatMap((taker) => [taker.takeDue('CP-1'), taker.takeDue('CP-1')]));

      const taken = results.flat().map((c) => c.commandId);
      expect(taken).toHaveLength(60);
      expect([...taken].sort()).toEqual(commands.map((c) => c.commandId).sort());
      for (const batch of results) {
        const ages = batch.map((c) => Date.parse(c.createdAt));
        expect(ages).toEqual([...ages].sort((a, b) => a - b));
      }
    });

    it('a command enqueued while the station is being served waits for the next take', async () => {
      await open();
      const early = command('CP-1');
      await pending.enqueue(early);
      expect(await pending.takeDue('CP-1')).toEqual([early]);

      const late = command('CP-1');
      await pending.enqueue(late);

      expect(await pending.takeDue('CP-1')).toEqual([late]);
    });

    it('an expired command is not delivered and is reported Expired; the fresh ones still are', async () => {
      await open();
      const stale = command('CP-1', { ttlMs: 150, ageMs: 10 });
      const fresh = command('CP-1');
      await pending.enqueue(stale);
      await pending.enqueue(fresh);
      await sleep(250);

      expect(await pending.takeDue('CP-1')).toEqual([fresh]);

      const record = await pending.get(stale.commandId);
      expect(record?.status).toBe('Expired');
      expect(Date.parse(record!.updatedAt)).toBeGreaterThanOrEqual(Date.parse(stale.expiresAt));
      expect(await pending.takeDue('CP-1')).toEqual([]);
    });

    it('a command whose time ran out reads as Expired even before its station comes back', async () => {
      await open();
      const stale = command('CP-1', { ttlMs: 150 });
      await pending.enqueue(stale);
      expect((await pending.get(stale.commandId))?.status).toBe('Queued');

      await sleep(250);

      expect((await pending.get(stale.commandId))?.status).toBe('Expired');
      expect(await pending.takeDue('CP-1')).toEqual([]);
    });

    it('a delivered command records the station answer; a failed one records the failure', async () => {
      await open();
      const ok = command('CP-1');
      const bad = command('CP-1');
      await pending.enqueue(ok);
      await pending.enqueue(bad);
      await pending.takeDue('CP-1');
      expect((await pending.get(ok.commandId))?.status).toBe('Queued');

      await pending.complete(ok.commandId, 'Delivered', { status: 'Accepted', response: { status: 'Accepted' } });
      await pending.complete(bad.commandId, 'Failed', { failure: 'timeout', message: 'no answer within 30 s' });

      expect(await pending.get(ok.commandId)).toMatchObject({
        ...ok,
        status: 'Delivered',
        outcome: { status: 'Accepted', response: { status: 'Accepted' } },
      });
      expect(await pending.get(bad.commandId)).toMatchObject({ status: 'Failed', outcome: { failure: 'timeout', message: 'no answer within 30 s' } });
    });

    it('a command completed before its station came back (cancelled) is no longer delivered', async () => {
      await open();
      const cancelled = command('CP-1');
      const kept = command('CP-1');
      await pending.enqueue(cancelled);
      await pending.enqueue(kept);

      await pending.complete(cancelled.commandId, 'Failed', { reason: 'cancelled by operator' });

      expect(await pending.takeDue('CP-1')).toEqual([kept]);
      expect((await pending.get(cancelled.commandId))?.status).toBe('Failed');
    });

    it('enqueueing the same command twice (a retried request) queues it once', async () => {
      await open();
      const queued = command('CP-1');

      await pending.enqueue(queued);
      await pending.enqueue({ ...queued, payload: { changed: true } });

      expect(await pending.takeDue('CP-1')).toEqual([queued]);
    });

    it('finished commands are dropped some time after completion, waiting ones are kept', async () => {
      await open(SHORT_RETENTION_MS);
      const done = command('CP-1');
      const waiting = command('CP-2');
      await pending.enqueue(done);
      await pending.enqueue(waiting);
      await pending.takeDue('CP-1');
      await pending.complete(done.commandId, 'Delivered', { status: 'Accepted' });
      expect((await pending.get(done.commandId))?.status).toBe('Delivered');

      await eventually(async () => (await pending.get(done.commandId)) === undefined, 'the finished command to be dropped', 3_000);

      expect((await pending.get(waiting.commandId))?.status).toBe('Queued');
      expect(await pending.takeDue('CP-2')).toEqual([waiting]);
    });

    it('refuses a command whose times are not ISO-8601 instants', async () => {
      await open();
      await expect(pending.enqueue({ ...command('CP-1'), expiresAt: 'tomorrow' })).rejects.toThrow(/expiresAt/);
      expect(await pending.takeDue('CP-1')).toEqual([]);
    });
  });
}
