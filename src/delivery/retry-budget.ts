import { backoffDelay, type RetryPolicy } from './http';

/**
 * When one file's download tries again and when it gives up: `attempts` failures in a row without
 * progress end it, and a failed attempt that still moved the file forward counts as the first
 * again, so a slow but advancing connection is never given up on.
 */
export class RetryBudget {
  private failures = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** Counts a failed attempt; returns the wait before the next one, or null when none is left. */
  fail(progressed: boolean): { attempt: number; delayMs: number } | null {
    this.failures = progressed ? 1 : this.failures + 1;
    if (this.failures >= this.policy.attempts) return null;
    return { attempt: this.failures, delayMs: backoffDelay(this.failures, this.policy, this.random) };
  }
}
