/**
 * A ModelPort with no model: Run plays a recorded trace (the bundled sample or an imported
 * file) as a live-looking event stream. Stop ends it like a real run, with run_end 'cancelled'.
 */
import type { Trace } from '../../agent/types';
import type { RunRequest } from '../../agent/run-request';
import { DeepEyesError } from '../../base/errors';
import type { ModelPort, PortEvent } from '../model-port';
import { cancelledTrace, DEFAULT_PACING, traceToEvents, type ReplayPacing } from './trace-to-events';

/** This page has no model worker (a build that only replays). */
export class NoModelWorkerError extends DeepEyesError {
  constructor() {
    super('no_engine', 'This page was started without a model engine; only recorded traces can be replayed');
    this.name = 'NoModelWorkerError';
  }
}

/** Run with no recorded trace on screen. */
export class NothingToReplayError extends DeepEyesError {
  constructor() {
    super('no_trace', 'Nothing to replay: pick a sample or import a trace file');
    this.name = 'NothingToReplayError';
  }
}

export class ReplayPort implements ModelPort {
  readonly kind = 'replay' as const;
  private listeners = new Set<(e: PortEvent) => void>();
  private trace: Trace | null = null;
  private abort: AbortController | null = null;

  constructor(
    private pacing: ReplayPacing = DEFAULT_PACING,
    /** Playback speed multiplier (2 = twice as fast). */
    public speed = 1,
  ) {}

  /** The trace the next run plays. */
  setTrace(trace: Trace | null): void {
    this.trace = trace;
  }

  subscribe(listener: (e: PortEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: PortEvent): void {
    for (const l of this.listeners) l(e);
  }

  async loadModel(): Promise<void> {
    throw new NoModelWorkerError();
  }

  async run(_request: RunRequest): Promise<Trace> {
    const trace = this.trace;
    if (!trace) throw new NothingToReplayError();
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    let stepsDone = 0;
    for (const { delayMs, event } of traceToEvents(trace, this.pacing)) {
      if (delayMs > 0) await sleep(delayMs / this.speed, abort.signal);
      if (abort.signal.aborted) {
        const cancelled = cancelledTrace(trace, stepsDone);
        this.emit({ kind: 'agent', event: { type: 'run_end', trace: cancelled } });
        return cancelled;
      }
      if (event.type === 'turn_end') stepsDone++;
      this.emit({ kind: 'agent', event });
    }
    if (this.abort === abort) this.abort = null;
    return trace;
  }

  stop(): void {
    this.abort?.abort();
  }

  dispose(): void {
    this.stop();
    this.listeners.clear();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
