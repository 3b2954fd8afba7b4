import type { PodChannel } from '../src/connection-registry.port';
import { type ContractStore, type ContractStoreFactory, eventually, sleep } from './contract-store';

/** The rules of PodChannel, run against every adapter. Each client() stands for another process. */
export function describePodChannelContract(name: string, openStore: ContractStoreFactory<PodChannel>): void {
  describe(`PodChannel contract: ${name}`, () => {
    let store: ContractStore<PodChannel>;

    beforeEach(async () => {
      store = await openStore(undefined);
    });

    afterEach(async () => {
      await store.close();
    });

    it('a message sent to a pod reaches that pod only', async () => {
      const [sender, podA, podB] = await Promise.all([store.client(), store.client(), store.client()]);
      const gotA: string[] = [];
      const gotB: string[] = [];
      await podA.listen('pod-a', (message) => gotA.push(message));
      await podB.listen('pod-b', (message) => gotB.push(message));

      await sender.send('pod-a', 'for a');
      await sender.send('pod-b', 'for b');

      await eventually(() => gotA.length === 1 && gotB.length === 1, 'both pods to get their message');
      expect(gotA).toEqual(['for a']);
      expect(gotB).toEqual(['for b']);
    });

    it('delivers asynchronously, never inside send()', async () => {
      const [sender, pod] = await Promise.all([store.client(), store.client()]);
      const got: string[] = [];
      await pod.listen('pod-a', (message) => got.push(message));

      const sent = sender.send('pod-a', 'hello');
      expect(got).toEqual([]);
      await sent;

      await eventually(() => got.length === 1, 'the message');
      expect(got).toEqual(['hello']);
    });

    it('messages from one sender to one pod arrive in the order sent, intact', async () => {
      const [sender, pod] = await Promise.all([store.client(), store.client()]);
      const got: string[] = [];
      await pod.listen('pod-a', (message) => got.push(message));
      const big = JSON.stringify({ type: 'command', payload: { data: 'x'.repeat(64 * 1024), text: 'Zähler ✓ 充电' } });
      const messages = [...Array.from({ length: 50 }, (_, i) => `m${i}`), big];

      for (const message of messages) await sender.send('pod-a', message);

      await eventually(() => got.length === messages.length, `${messages.length} messages`);
      expect(got).toEqual(messages);
    });

    it('after close() a listener gets nothing more, while another listener of the same pod still does', async () => {
      const [sender, pod] = await Promise.all([store.client(), store.client()]);
      const closedOne: string[] = [];
      const openOne: string[] = [];
      const closing = await pod.listen('pod-a', (message) => closedOne.push(message));
      await pod.listen('pod-a', (message) => openOne.push(message));
      await sender.send('pod-a', 'before');
      await eventually(() => closedOne.length === 1 && openOne.length === 1, 'both listeners to get the first message');

      await closing.close();
      await sender.send('pod-a', 'after');

      await eventually(() => openOne.length === 2, 'the open listener to get the second message');
      expect(openOne).toEqual(['before', 'after']);
      expect(closedOne).toEqual(['before']);
    });

    it('a pod that stopped listening gets nothing, and sending to it does not fail', async () => {
      const [sender, pod] = await Promise.all([store.client(), store.client()]);
      const got: string[] = [];
      const listening = await pod.listen('pod-a', (message) => got.push(message));
      await listening.close();

      await expect(sender.send('pod-a', 'lost')).resolves.toBeUndefined();
      await expect(sender.send('pod-nobody', 'lost')).resolves.toBeUndefined();

      await sleep(100);
      expect(got).toEqual([]);
    });

    it('a listener that throws does not stop later messages', async () => {
      const [sender, pod] = await Promise.all([store.client(), store.client()]);
      const got: string[] = [];
      await pod.listen('pod-a', (message) => {
        got.push(message);
        if (message === 'bad') throw new Error('handler failed');
      });

      await sender.send('pod-a', 'bad');
      await sender.send('pod-a', 'good');

      await eventually(() => got.length === 2, 'both messages');
      expect(got).toEqual(['bad', 'good']);
    });
  });
}
