import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  function writer() {
    const calls: string[][] = [];
    const gates: Array<() => void> = [];
    let failOn: string | undefined;
    const write = async (items: readonly string[]): Promise<string[]> => {
      calls.push([...items]);
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failOn && items.includes(failOn)) throw new Error(`cannot write ${failOn}`);
      return items.map((item) => `done:${item}`);
    };
    return { calls, write, open: () => gates.splice(0).forEach((gate) => gate()), failOn: (item: string) => (failOn = item) };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('writes a lone batch at once', async () => {
    const w = writer();
    const group = new GroupCommit(w.write);
    const outcome = group.submit(['a1', 'a2']);
    await tick();
    expect(w.calls).toEqual([['a1', 'a2']]);
    w.open();
    expect(await outcome).toEqual(['done:a1', 'done:a2']);
  });

  it('writes the batches that arrive during a write together, each caller getting its own outcomes in order', async () => {
    const w = writer();
    const group = new GroupCommit(w.write);
    const first = group.submit(['a1']);
    await tick();
    const second = group.submit(['b1', 'b2']);
    const third = group.submit(['c1']);
    await tick();
    expect(w.calls).toEqual([['a1']]);
    w.open();
    await first;
    await tick();
    expect(w.calls).toEqual([['a1'], ['b1', 'b2', 'c1']]);
    w.open();
    expect(await second).toEqual(['done:b1', 'done:b2']);
    expect(await third).toEqual(['done:c1']);
  });

  it('never grows a group beyond its limit and never splits a batch', async () => {
    const w = writer();
    const group = new GroupCommit(w.write, 3);
    const outcomes = [group.submit(['a']), group.submit(['b1', 'b2']), group.submit(['c1', 'c2']), group.submit(['d'])];
    for (let round = 0; round < 4; round += 1) {
      await tick();
      w.open();
    }
    await Promise.all(outcomes);
    expect(w.calls).toEqual([['a'], ['b1', 'b2'], ['c1', 'c2', 'd']]);
  });

  it('fails every caller of a failed group, and goes on with the next', async () => {
    const w = writer();
    const group = new GroupCommit(w.write);
    w.failOn('b1');
    const first = group.submit(['a1']);
    await tick();
    const second = group.submit(['b1']);
    const third = group.submit(['c1']);
    w.open();
    await first;
    await tick();
    w.open();
    await expect(second).rejects.toThrow('cannot write b1');
    await expect(third).rejects.toThrow('cannot write b1');
    const fourth = group.submit(['d1']);
    await tick();
    w.open();
    expect(await fourth).toEqual(['done:d1']);
  });

  it('with two writers, starts the next group while the first is still being written, and groups what waits behind both', async () => {
    const w = writer();
    const group = new GroupCommit(w.write, 2_000, 2);
    const first = group.submit(['a1']);
    const second = group.submit(['b1']);
    await tick();
    expect(w.calls).toEqual([['a1'], ['b1']]);
    const third = group.submit(['c1']);
    const fourth = group.submit(['d1']);
    await tick();
    expect(w.calls).toHaveLength(2);
    w.open();
    expect(await first).toEqual(['done:a1']);
    expect(await second).toEqual(['done:b1']);
    await tick();
    expect(w.calls).toEqual([['a1'], ['b1'], ['c1', 'd1']]);
    w.open();
    expect(await Promise.all([third, fourth])).toEqual([['done:c1'], ['done:d1']]);
  });
});
