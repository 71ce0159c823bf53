import { describe, expect, it } from 'vitest';
import { runPool } from './run-pool';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('runPool', () => {
  it('keeps item order and never runs more than `concurrency` at once', async () => {
    let running = 0;
    let most = 0;
    const out = await runPool([1, 2, 3, 4, 5], 2, async (n) => {
      most = Math.max(most, ++running);
      await tick();
      running--;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it('runs one at a time for a concurrency below 1, and nothing for no items', async () => {
    let running = 0;
    let most = 0;
    await runPool(['a', 'b', 'c'], 0, async () => {
      most = Math.max(most, ++running);
      await tick();
      running--;
    });
    expect(most).toBe(1);
    expect(await runPool([], 3, async () => 1)).toEqual([]);
  });

  it('starts nothing new after a failure, lets the one in flight finish, then throws the failure', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    const run = runPool([0, 1, 2, 3], 2, async (n) => {
      started.push(n);
      if (n === 0) await firstHeld;
      if (n === 1) {
        // Released on a later macrotask, after the failure below has been recorded.
        setTimeout(releaseFirst, 0);
        throw new Error('item 1 failed');
      }
      finished.push(n);
      return n;
    });
    await expect(run).rejects.toThrow('item 1 failed');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([0]);
  });
});
