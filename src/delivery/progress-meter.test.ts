import { describe, expect, it } from 'vitest';
import type { DeliveryEvent } from './events';
import { ProgressMeter } from './progress-meter';

describe('ProgressMeter', () => {
  it('throttles events to the interval and smooths the rate over 500 ms windows', () => {
    let t = 0;
    const events: DeliveryEvent[] = [];
    const meter = new ProgressMeter(
      'w.bin',
      'download',
      5000,
      (e) => events.push(e),
      200,
      () => t,
    );
    const at = (time: number, done: number, added: number, force = false) => {
      t = time;
      meter.tick(done, added, force);
    };
    at(0, 100, 100); // first tick always emits; no window closed yet: rate 0
    at(100, 200, 100); // 100 ms after the last event: throttled
    at(500, 1000, 800); // window 0..500 ms held 1000 B -> 2000 B/s
    at(1000, 1500, 500); // window 500..1000 ms: 500 B -> 1000 B/s; 0.7*2000 + 0.3*1000 = 1700
    at(1050, 1600, 100, true); // forced: emits though 50 ms passed; window still open, rate kept
    at(1100, 1700, 100); // 50 ms after the forced one: throttled
    expect(events.map((e) => e.kind === 'progress' && [e.bytesDone, e.bytesPerSecond])).toEqual([
      [100, 0],
      [1000, 2000],
      [1500, 1700],
      [1600, 1700],
    ]);
    expect(events[0]).toEqual({
      kind: 'progress',
      path: 'w.bin',
      phase: 'download',
      bytesDone: 100,
      bytesTotal: 5000,
      bytesPerSecond: 0,
    });
  });
});
