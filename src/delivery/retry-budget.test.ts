import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget';

describe('RetryBudget', () => {
  const policy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 1500 };
  const mid = () => 0.5; // no jitter: 0.75 + 0.5 * 0.5 = 1

  it('doubles the wait per failure without progress, capped, and gives up at the attempts', () => {
    const b = new RetryBudget(policy, mid);
    expect([b.fail(false), b.fail(false), b.fail(false), b.fail(false)]).toEqual([
      { attempt: 1, delayMs: 500 },
      { attempt: 2, delayMs: 1000 },
      { attempt: 3, delayMs: 1500 }, // 2000 capped
      null, // the 4th failure in a row
    ]);
  });

  it('counts a failure that made progress as the first again', () => {
    const b = new RetryBudget(policy, mid);
    b.fail(false);
    b.fail(false);
    expect(b.fail(true)).toEqual({ attempt: 1, delayMs: 500 });
    expect(b.fail(false)).toEqual({ attempt: 2, delayMs: 1000 });
  });

  it('jitters by +-25% and allows no retry with a single attempt', () => {
    expect(new RetryBudget(policy, () => 0).fail(false)).toEqual({ attempt: 1, delayMs: 375 });
    expect(new RetryBudget(policy, () => 1).fail(false)).toEqual({ attempt: 1, delayMs: 625 });
    expect(new RetryBudget({ ...policy, attempts: 1 }, mid).fail(false)).toBeNull();
  });
});
