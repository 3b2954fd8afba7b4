import { OffsetCommitter, type PartitionOffset } from './offset-committer';

describe('OffsetCommitter', () => {
  function setup(intervalMs: number) {
    let now = 0;
    const commits: PartitionOffset[][] = [];
    const errors: unknown[] = [];
    let failNext = false;
    let release: (() => void) | undefined;
    let holdNext = false;
    const committer = new OffsetCommitter(
      intervalMs,
      async (offsets) => {
        if (holdNext) {
          holdNext = false;
          await new Promise<void>((resolve) => (release = resolve));
        }
        if (failNext) {
          failNext = false;
          throw new Error('rebalance in progress');
        }
        commits.push([...offsets]);
      },
      (error) => errors.push(error),
      () => now,
    );
    return {
      committer,
      commits,
      errors,
      advance: (ms: number) => (now += ms),
      failNext: () => (failNext = true),
      holdNext: () => (holdNext = true),
      release: () => release?.(),
    };
  }
  const at = (partition: number, offset: number): PartitionOffset => ({ topic: 'station-calls', partition, offset: String(offset) });

  it('commits at most once per interval, with the latest position of every partition', async () => {
    const t = setup(500);
    t.committer.processed(at(0, 10));
    await t.committer.commitIfDue();
    t.committer.processed(at(0, 20));
    t.committer.processed(at(1, 5));
    t.advance(100);
    await t.committer.commitIfDue();
    expect(t.commits).toEqual([[at(0, 10)]]);
    t.committer.processed(at(0, 30));
    t.advance(400);
    await t.committer.commitIfDue();
    expect(t.commits).toEqual([[at(0, 10)], [at(0, 30), at(1, 5)]]);
  });

  it('commits after every batch with an interval of 0', async () => {
    const t = setup(0);
    for (const offset of [1, 2, 3]) {
      t.committer.processed(at(0, offset));
      await t.committer.commitIfDue();
    }
    expect(t.commits).toEqual([[at(0, 1)], [at(0, 2)], [at(0, 3)]]);
  });

  it('keeps one commit in flight: a flush during one waits and then sends what came meanwhile', async () => {
    const t = setup(0);
    t.holdNext();
    t.committer.processed(at(0, 1));
    const first = t.committer.flush();
    await new Promise((resolve) => setImmediate(resolve)); // the first commit is on the wire
    t.committer.processed(at(0, 2));
    t.committer.processed(at(3, 7));
    const second = t.committer.flush();
    await Promise.resolve();
    expect(t.commits).toEqual([]);
    t.release();
    await Promise.all([first, second]);
    expect(t.commits).toEqual([[at(0, 1)], [at(0, 2), at(3, 7)]]);
  });

  it('reports a failed commit and goes on: the next commit carries newer positions', async () => {
    const t = setup(0);
    t.failNext();
    t.committer.processed(at(0, 1));
    await t.committer.flush();
    expect(t.errors).toHaveLength(1);
    t.committer.processed(at(0, 2));
    await t.committer.flush();
    expect(t.commits).toEqual([[at(0, 2)]]);
  });

  it('drops positions recorded before a rebalance, so it never moves another member back', async () => {
    const t = setup(0);
    t.committer.processed(at(0, 1));
    t.committer.processed(at(1, 9));
    t.committer.clear();
    t.committer.processed(at(0, 4));
    await t.committer.flush();
    expect(t.commits).toEqual([[at(0, 4)]]);
  });
});
