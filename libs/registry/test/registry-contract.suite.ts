import type { ConnectionRegistry, StationLocation } from '../src/connection-registry.port';
import { type ContractStore, type ContractStoreFactory, eventually, location, sleep, stationIds } from './contract-store';

/** Long enough never to lapse during a test. */
const LONG_LEASE_MS = 30_000;
/** Short enough to wait out. */
const SHORT_LEASE_MS = 200;
const LAPSE_WAIT_MS = SHORT_LEASE_MS + 150;

/**
 * The rules of ConnectionRegistry (libs/registry/src/connection-registry.port.ts), run against
 * every adapter. `openStore` gives a fresh, empty store per test.
 */
export function describeRegistryContract(name: string, openStore: ContractStoreFactory<ConnectionRegistry>): void {
  describe(`ConnectionRegistry contract: ${name}`, () => {
    let store: ContractStore<ConnectionRegistry>;
    let registry: ConnectionRegistry;

    beforeEach(async () => {
      store = await openStore(undefined);
      registry = await store.client();
    });

    afterEach(async () => {
      await store.close();
    });

    async function registerAll(podId: string, ids: readonly string[], target = registry): Promise<StationLocation[]> {
      const locations = ids.map((id) => location(id, podId));
      await Promise.all(locations.map((entry) => target.register(entry)));
      return locations;
    }

    async function listAll(query: { limit: number; podId?: string }): Promise<{ pages: StationLocation[][]; cursors: (string | null)[] }> {
      const pages: StationLocation[][] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 1_000; guard++) {
        const page = await registry.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
        pages.push([...page.items]);
        cursors.push(page.nextCursor);
        if (page.nextCursor === null) return { pages, cursors };
        cursor = page.nextCursor;
      }
      throw new Error('list() never returned nextCursor null');
    }

    describe('register and lookup', () => {
      it('a station that connects to a live pod is found there, with everything the gateway registered', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        const entry = location('CP-1', 'pod-a', { protocol: 'ocpp1.6', connectedAt: '2026-01-02T03:04:05.678Z' });

        expect(await registry.register(entry)).toBeUndefined();

        expect(await registry.lookup('CP-1')).toEqual(entry);
        expect(await registry.lookup('CP-unknown')).toBeUndefined();
      });

      it('a station that reconnects through another pod replaces its entry, and register returns the old one to evict', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        await registry.renewPodLease('pod-b', LONG_LEASE_MS);
        const first = location('CP-1', 'pod-a');
        const second = location('CP-1', 'pod-b', { protocol: 'ocpp1.6' });
        await registry.register(first);

        expect(await registry.register(second)).toEqual(first);

        expect(await registry.lookup('CP-1')).toEqual(second);
        expect((await registry.list({ limit: 10, podId: 'pod-a' })).items).toEqual([]);
        expect((await registry.list({ limit: 10, podId: 'pod-b' })).items).toEqual([second]);
      });

      it('a station that reconnects to the same pod gets its previous connection back to close', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        const first = location('CP-1', 'pod-a');
        const second = location('CP-1', 'pod-a');
        await registry.register(first);

        expect(await registry.register(second)).toEqual(first);
        expect(await registry.lookup('CP-1')).toEqual(second);
      });

      it('an entry left behind by a dead pod is handed to the new registrant (to report offline once), not to a reaper', async () => {
        await registry.renewPodLease('pod-dead', SHORT_LEASE_MS);
        await registry.renewPodLease('pod-b', LONG_LEASE_MS);
        const orphan = location('CP-1', 'pod-dead');
        await registry.register(orphan);
        await sleep(LAPSE_WAIT_MS);

        const replacement = location('CP-1', 'pod-b');
        expect(await registry.register(replacement)).toEqual(orphan);
        expect(await registry.lookup('CP-1')).toEqual(replacement);
        const reaped = await registry.reapDeadPods();
        expect(reaped.flatMap((pod) => pod.stations)).toEqual([]);
      });

      it('when many pods register the same station at once, each register sees exactly the one it replaced', async () => {
        const pods = ['pod-a', 'pod-b', 'pod-c', 'pod-d'];
        await Promise.all(pods.map((pod) => registry.renewPodLease(pod, LONG_LEASE_MS)));
        const clients = await Promise.all(pods.map(() => store.client()));
        const attempts = Array.from({ length: 40 }, (_, i) => location('CP-RACE', pods[i % pods.length]!));

        const previous = await Promise.all(attempts.map((entry, i) => clients[i % clients.length]!.register(entry)));

        const winner = await registry.lookup('CP-RACE');
        expect(winner).toBeDefined();
        // A chain of replacements: every connection but the last was replaced exactly once.
        expect(previous.filter((p) => p === undefined)).toHaveLength(1);
        const replaced = previous.filter((p): p is StationLocation => p !== undefined).map((p) => p.connectionId);
        expect(new Set(replaced).size).toBe(replaced.length);
        expect([...replaced, winner!.connectionId].sort()).toEqual(attempts.map((a) => a.connectionId).sort());
      });
    });

    describe('unregister', () => {
      it('a station that disconnects is removed', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        const entry = location('CP-1', 'pod-a');
        await registry.register(entry);

        expect(await registry.unregister('CP-1', entry.connectionId)).toBe(true);

        expect(await registry.lookup('CP-1')).toBeUndefined();
        expect((await registry.list({ limit: 10 })).items).toEqual([]);
        expect(await registry.unregister('CP-1', entry.connectionId)).toBe(false);
      });

      it('the late disconnect of a replaced socket does not remove the station from its new pod', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        await registry.renewPodLease('pod-b', LONG_LEASE_MS);
        const old = location('CP-1', 'pod-a');
        const current = location('CP-1', 'pod-b');
        await registry.register(old);
        await registry.register(current);

        expect(await registry.unregister('CP-1', old.connectionId)).toBe(false);

        expect(await registry.lookup('CP-1')).toEqual(current);
        expect((await registry.list({ limit: 10, podId: 'pod-b' })).items).toEqual([current]);
      });

      it('unregistering a station nobody registered is a no-op', async () => {
        expect(await registry.unregister('CP-never', 'conn-x')).toBe(false);
      });
    });

    describe('pod leases', () => {
      it('stations of a pod whose lease expired are hidden from lookup and list', async () => {
        await registry.renewPodLease('pod-short', SHORT_LEASE_MS);
        await registry.renewPodLease('pod-long', LONG_LEASE_MS);
        await registry.register(location('CP-short', 'pod-short'));
        const kept = location('CP-long', 'pod-long');
        await registry.register(kept);
        expect(await registry.lookup('CP-short')).toBeDefined();

        await sleep(LAPSE_WAIT_MS);

        expect(await registry.lookup('CP-short')).toBeUndefined();
        expect(await registry.lookup('CP-long')).toEqual(kept);
        expect((await registry.list({ limit: 10 })).items).toEqual([kept]);
        expect((await registry.list({ limit: 10, podId: 'pod-short' })).items).toEqual([]);
      });

      it('livePods lists the pods whose lease is alive, without the lapsed and the released ones', async () => {
        expect(await registry.livePods()).toEqual([]);
        await registry.renewPodLease('pod-short', SHORT_LEASE_MS);
        await registry.renewPodLease('pod-long', LONG_LEASE_MS);
        await registry.renewPodLease('pod-leaving', LONG_LEASE_MS);
        expect(await registry.livePods()).toEqual(['pod-leaving', 'pod-long', 'pod-short']);
        await registry.releasePod('pod-leaving');
        await sleep(LAPSE_WAIT_MS);
        expect(await registry.livePods()).toEqual(['pod-long']);
      });

      it('a pod that keeps renewing keeps its stations visible past the lease length', async () => {
        const leaseMs = 400;
        await registry.renewPodLease('pod-a', leaseMs);
        const entry = location('CP-1', 'pod-a');
        await registry.register(entry);
        const started = Date.now();
        while (Date.now() - started < leaseMs + 200) {
          await sleep(100);
          await registry.renewPodLease('pod-a', leaseMs);
          expect(await registry.lookup('CP-1')).toEqual(entry);
        }
      });

      it('stations registered by a pod that never took a lease do not count', async () => {
        await registry.register(location('CP-1', 'pod-without-lease'));
        expect(await registry.lookup('CP-1')).toBeUndefined();
      });

      it('a pod whose lease lapsed is told (onReset) to register its stations again when it renews', async () => {
        let resets = 0;
        registry.onReset(() => {
          resets += 1;
        });
        await registry.renewPodLease('pod-a', SHORT_LEASE_MS);
        await registry.renewPodLease('pod-a', SHORT_LEASE_MS);
        await registry.register(location('CP-1', 'pod-a'));
        await sleep(50);
        expect(resets).toBe(0);

        await sleep(LAPSE_WAIT_MS);
        await registry.reapDeadPods();
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);

        await eventually(() => resets === 1, 'onReset after the lapsed lease was renewed');
        expect(await registry.lookup('CP-1')).toBeUndefined();
      });

      it('a gracefully stopping pod releases its lease and gets back the stations it still held', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        await registry.renewPodLease('pod-b', LONG_LEASE_MS);
        const held = await registerAll('pod-a', ['CP-1', 'CP-2', 'CP-3']);
        const moved = location('CP-3', 'pod-b');
        await registry.register(moved);
        const other = (await registerAll('pod-b', ['CP-9']))[0]!;

        const released = await registry.releasePod('pod-a');

        expect(sortById(released)).toEqual(held.slice(0, 2));
        expect(await registry.lookup('CP-1')).toBeUndefined();
        expect(await registry.lookup('CP-3')).toEqual(moved);
        expect(await registry.lookup('CP-9')).toEqual(other);
        expect(await registry.releasePod('pod-a')).toEqual([]);
        expect(await registry.reapDeadPods()).toEqual([]);
      });
    });

    describe('reaping dead pods', () => {
      it('three reapers racing get each station of a dead pod exactly once in total, and the live pod is left alone', async () => {
        await registry.renewPodLease('pod-dead', SHORT_LEASE_MS);
        await registry.renewPodLease('pod-dead-2', SHORT_LEASE_MS);
        await registry.renewPodLease('pod-live', LONG_LEASE_MS);
        const deadOnes = await registerAll('pod-dead', stationIds('CP-D', 30));
        const deadTwos = await registerAll('pod-dead-2', stationIds('CP-E', 5));
        const live = await registerAll('pod-live', stationIds('CP-L', 5));
        // One station of the dead pod had already moved to the live pod: it must survive the reap.
        const moved = location('CP-D-000', 'pod-live');
        await registry.register(moved);
        await sleep(LAPSE_WAIT_MS);

        const reapers = await Promise.all([store.client(), store.client(), store.client()]);
        const results = await Promise.all(reapers.map((reaper) => reaper.reapDeadPods()));

        const pods = results.flat();
        expect(pods.map((pod) => pod.podId).sort()).toEqual(['pod-dead', 'pod-dead-2']);
        const reaped = pods.flatMap((pod) => pod.stations);
        expect(sortById(reaped)).toEqual(sortById([...deadOnes.slice(1), ...deadTwos]));
        for (const pod of pods) expect(pod.stations.every((station) => station.podId === pod.podId)).toBe(true);

        expect(await registry.reapDeadPods()).toEqual([]);
        expect(await registry.lookup('CP-D-000')).toEqual(moved);
        expect(sortById((await listAll({ limit: 100, podId: 'pod-live' })).pages.flat())).toEqual(sortById([...live, moved]));
      });

      it('a pod that is alive is never reaped', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        const held = await registerAll('pod-a', ['CP-1', 'CP-2']);

        expect(await registry.reapDeadPods()).toEqual([]);

        expect(await registry.lookup('CP-1')).toEqual(held[0]);
      });

      it('a reaped station that reconnects is registered afresh', async () => {
        await registry.renewPodLease('pod-dead', SHORT_LEASE_MS);
        await registry.renewPodLease('pod-b', LONG_LEASE_MS);
        await registry.register(location('CP-1', 'pod-dead'));
        await sleep(LAPSE_WAIT_MS);
        expect((await registry.reapDeadPods()).flatMap((pod) => pod.stations).map((s) => s.stationId)).toEqual(['CP-1']);

        const again = location('CP-1', 'pod-b');
        expect(await registry.register(again)).toBeUndefined();
        expect(await registry.lookup('CP-1')).toEqual(again);
      });
    });

    describe('list', () => {
      it('pages through every live station once, in pages no larger than asked, with and without a pod filter', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        await registry.renewPodLease('pod-b', LONG_LEASE_MS);
        await registry.renewPodLease('pod-dead', SHORT_LEASE_MS);
        const onA = await registerAll('pod-a', stationIds('CP-A', 25));
        const onB = await registerAll('pod-b', stationIds('CP-B', 12));
        await registerAll('pod-dead', stationIds('CP-X', 6));
        await sleep(LAPSE_WAIT_MS);

        const all = await listAll({ limit: 10 });
        expect(all.pages.length).toBeGreaterThan(2);
        for (const page of all.pages) expect(page.length).toBeLessThanOrEqual(10);
        expect(all.pages.flat()).toHaveLength(37);
        expect(sortById(all.pages.flat())).toEqual(sortById([...onA, ...onB]));

        const podB = await listAll({ limit: 5, podId: 'pod-b' });
        expect(podB.pages.length).toBeGreaterThan(2);
        for (const page of podB.pages) expect(page.length).toBeLessThanOrEqual(5);
        expect(podB.pages.flat()).toHaveLength(12);
        expect(sortById(podB.pages.flat())).toEqual(sortById(onB));

        expect((await registry.list({ limit: 10, podId: 'pod-nobody' })).items).toEqual([]);
      });

      it('a station that registers while someone pages is not returned twice', async () => {
        await registry.renewPodLease('pod-a', LONG_LEASE_MS);
        await registerAll('pod-a', stationIds('CP', 20));
        const first = await registry.list({ limit: 8 });
        await registry.register(location('CP-000a', 'pod-a'));
        await registry.register(location('CP-999', 'pod-a'));

        const seen = [...first.items];
        let cursor = first.nextCursor;
        while (cursor !== null) {
          const page = await registry.list({ limit: 8, cursor });
          seen.push(...page.items);
          cursor = page.nextCursor;
        }

        const ids = seen.map((s) => s.stationId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toContain('CP-999');
        expect(ids.filter((id) => id.startsWith('CP-0') && id.length === 6)).toHaveLength(20);
      });

      it('refuses a limit below 1', async () => {
        await expect(registry.list({ limit: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('health', () => {
      it('reports healthy when the store is reachable', () => {
        const health = registry.health();
        expect(health.healthy).toBe(true);
        expect(typeof health.detail).toBe('string');
      });
    });
  });
}

function sortById(locations: readonly StationLocation[]): StationLocation[] {
  return [...locations].sort((a, b) => (a.stationId < b.stationId ? -1 : a.stationId > b.stationId ? 1 : 0));
}
