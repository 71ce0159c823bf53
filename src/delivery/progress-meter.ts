/**
 * How far a file's download, re-hash or check has got, as throttled progress events with a
 * smoothed rate.
 */
import type { DeliveryEventSink, DeliveryPhase } from './events';

/** Throttled progress with a smoothed rate, so a 5 GB download posts a few events a second, not 80k. */
export class ProgressMeter {
  private lastEmit = -Infinity;
  private windowStart: number;
  private windowBytes = 0;
  private rate = 0;

  constructor(
    private readonly path: string,
    private readonly phase: DeliveryPhase,
    private readonly total: number,
    private readonly sink: DeliveryEventSink | undefined,
    private readonly intervalMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowStart = this.now();
  }

  /** `done` is the absolute position; `added` the bytes since the last call (for the rate). */
  tick(done: number, added: number, force = false): void {
    const t = this.now();
    this.windowBytes += added;
    const span = t - this.windowStart;
    if (span >= 500) {
      const instant = (this.windowBytes * 1000) / span;
      this.rate = this.rate === 0 ? instant : 0.7 * this.rate + 0.3 * instant;
      this.windowStart = t;
      this.windowBytes = 0;
    }
    if (!force && t - this.lastEmit < this.intervalMs) return;
    this.lastEmit = t;
    this.sink?.({
      kind: 'progress',
      path: this.path,
      phase: this.phase,
      bytesDone: done,
      bytesTotal: this.total,
      bytesPerSecond: Math.round(this.rate),
    });
  }
}
