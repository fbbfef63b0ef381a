// The group commit's batching rule (no I/O): an idle committer starts at once with what is queued;
// while a batch runs, another starts only when a full batch is queued; a patient is never in two
// running batches.
import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../src/workers/groupCommit.ts';

interface Gate { open: () => void; promise: Promise<void> }
const gate = (): Gate => {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { open, promise };
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

function recorder(maxBatch: number, maxInFlight: number) {
  const batches: string[][] = [];
  const gates: Gate[] = [];
  const submit = createGroupCommit<string, string>(async (items) => {
    batches.push([...items]);
    const g = gate();
    gates.push(g);
    await g.promise;
    return items.map((item) => `done ${item}`);
  }, { maxBatch, maxInFlight, keyOf: (item) => item.split(':')[0] });
  return { batches, gates, submit };
}

describe('group commit', () => {
  it('starts a lone item at once and resolves each item with its own result', async () => {
    const { batches, gates, submit } = recorder(4, 2);
    const result = submit('a:1');
    await tick();
    expect(batches).toEqual([['a:1']]);
    gates[0].open();
    await expect(result).resolves.toBe('done a:1');
  });

  it('while a batch runs, waits for a full batch before starting a second one', async () => {
    const { batches, gates, submit } = recorder(3, 2);
    const all = [submit('a:1')];
    await tick();
    all.push(submit('b:1'), submit('c:1'));
    await tick();
    expect(batches).toHaveLength(1); // two queued, fewer than a full batch: they wait
    all.push(submit('d:1'));
    await tick();
    expect(batches).toEqual([['a:1'], ['b:1', 'c:1', 'd:1']]); // a full batch starts alongside
    all.push(submit('e:1'));
    gates[0].open();
    await all[0];
    await tick();
    expect(batches).toHaveLength(2); // one batch still runs and e:1 alone is not a full one
    gates[1].open();
    await all[1];
    await tick();
    expect(batches[2]).toEqual(['e:1']); // none runs: what is queued goes at once
    gates[2].open();
    await expect(Promise.all(all)).resolves.toEqual(['a:1', 'b:1', 'c:1', 'd:1', 'e:1'].map((i) => `done ${i}`));
  });

  it('never puts one key in two running batches', async () => {
    const { batches, gates, submit } = recorder(2, 2);
    const all = [submit('a:1')];
    await tick();
    all.push(submit('a:2'), submit('b:1'), submit('c:1'));
    await tick();
    expect(batches).toEqual([['a:1'], ['b:1', 'c:1']]); // a:2 waits for the batch holding patient a
    gates[0].open();
    await all[0];
    await tick();
    expect(batches).toHaveLength(2); // a:2 alone is not a full batch while b and c commit
    gates[1].open();
    await all[2];
    await tick();
    expect(batches[2]).toEqual(['a:2']);
    gates[2].open();
    await Promise.all(all);
  });
});
