/**
 * One request on the model at a time; the others wait in arrival order. A waiting request learns
 * its place (for the SSE status comments) and may leave the line when its client goes away.
 */
import { QueueFullError } from './errors';

interface Waiter {
  start: () => void;
  onPlace?: (ahead: number) => void;
}

export class RequestQueue {
  private running = false;
  private waiting: Waiter[] = [];

  constructor(private readonly maxWaiting: number) {}

  get busy(): boolean {
    return this.running;
  }

  /** A new request would be refused (the waiting line is full). */
  get full(): boolean {
    return (this.running || this.waiting.length > 0) && this.waiting.length >= this.maxWaiting;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `job` when its turn comes; `onPlace` hears how many are ahead while it waits. */
  async run<T>(
    job: () => Promise<T>,
    opts: { signal?: AbortSignal; onPlace?: (ahead: number) => void } = {},
  ): Promise<T> {
    if (this.running || this.waiting.length > 0) {
      if (this.waiting.length >= this.maxWaiting) throw new QueueFullError(this.waiting.length);
      await new Promise<void>((resolve, reject) => {
        const w: Waiter = { start: resolve, onPlace: opts.onPlace };
        this.waiting.push(w);
        opts.onPlace?.(this.waiting.length);
        opts.signal?.addEventListener(
          'abort',
          () => {
            const i = this.waiting.indexOf(w);
            if (i >= 0) {
              this.waiting.splice(i, 1);
              this.announce();
              reject(opts.signal!.reason);
            }
          },
          { once: true },
        );
      });
    }
    this.running = true;
    try {
      return await job();
    } finally {
      this.running = false;
      const next = this.waiting.shift();
      this.announce();
      next?.start();
    }
  }

  private announce(): void {
    this.waiting.forEach((w, i) => w.onPlace?.(i + 1));
  }
}
