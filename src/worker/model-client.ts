/**
 * The page's handle on the model worker: typed calls that return promises, a stream of
 * everything else the worker says, and recovery. When the worker crashes or its GPU device is
 * lost, every pending call rejects with a typed error, a fresh worker is started, and the last
 * model is loaded again (from the browser's cache); `onRecovered` tells the page. A load the loss
 * interrupted is not failed: it is the load the recovery makes, and it settles with it.
 */
import type { RunRequest } from '../agent/run-request';
import type { Trace } from '../agent/types';
import { fromErrorInfo, type DeepEyesError } from '../base/errors';
import type { Backend } from '../base/types';
import type { VariantName } from '../base/model-manifest';
import type { LoadableSource } from '../delivery/model-source';
import { requestPersistence } from '../delivery/storage-policy';
import type { GpuProbe } from '../model/backend/webgpu-probe';
import { ReloadFailedError, WorkerCrashedError, WorkerStoppedError } from './errors';
import type { GpuBufferCount } from '../model/backend/gpu-device';
import type { FromWorker, LoadedInfo, StuckSession, ToWorker } from './protocol';

/** Fresh workers a recovery starts before it gives up (a worker that dies on every load). */
const RECOVERY_ATTEMPTS = 3;

/** The failures a recovery follows (a fresh worker loads the last model again). */
const RECOVERED_CODES = new Set(['device_lost', 'worker_crashed']);

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; kind: ToWorker['kind'] };
type Listener = (msg: FromWorker) => void;
/** ToWorker without the id the client assigns (kept as a union, one variant per kind). */
type Call = ToWorker extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export interface ClientOptions {
  makeWorker?: () => Worker;
  baseUrl?: string;
  /**
   * After a crash or device loss, once the model is loaded again (`info`) or that failed.
   * `duringLoad`: the failure interrupted a load, whose own promise settles with the recovery.
   */
  onRecovered?: (reason: DeepEyesError, info: LoadedInfo | undefined, duringLoad: boolean) => void;
}

function defaultWorker(): Worker {
  return new Worker(new URL('./model.worker.ts', import.meta.url), {
    type: 'module',
    name: 'deepeyes-model',
  });
}

export class ModelWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<Listener>();
  private lastLoad: { source: LoadableSource; backend: Backend; variant?: VariantName } | undefined;
  /** The recovery in flight: what the fresh worker loaded, or why it could not. */
  private recovering: Promise<{ info?: LoadedInfo; failure?: unknown }> | undefined;
  private readonly baseUrl: string;
  private disposed = false;

  constructor(private readonly opts: ClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? new URL('.', globalThis.location?.href ?? 'http://localhost/').href;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = (this.opts.makeWorker ?? defaultWorker)();
    w.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      void this.recover(new WorkerCrashedError(e.message || 'unknown error'));
    };
    this.worker = w;
    return w;
  }

  private onMessage(msg: FromWorker): void {
    // persist() exists only on a window's navigator: the worker asks, the page does it.
    if (msg.kind === 'notice' && msg.code === 'persistence-wanted') void requestPersistence().catch(() => {});
    for (const l of this.listeners) l(msg);
    if (msg.kind === 'error' && msg.id === undefined && msg.error.code === 'device_lost') {
      void this.recover(fromErrorInfo(msg.error));
      return;
    }
    if (!('id' in msg) || msg.id === undefined) return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    switch (msg.kind) {
      case 'error':
        this.pending.delete(msg.id);
        p.reject(fromErrorInfo(msg.error));
        break;
      case 'probe_result':
        this.pending.delete(msg.id);
        p.resolve(msg.probe);
        break;
      case 'loaded':
        this.pending.delete(msg.id);
        p.resolve(msg.info);
        break;
      case 'run_done':
        this.pending.delete(msg.id);
        p.resolve(msg.trace);
        break;
      case 'done':
        this.pending.delete(msg.id);
        p.resolve(undefined);
        break;
      case 'memory_result':
        this.pending.delete(msg.id);
        p.resolve(msg.gpu);
        break;
      default:
        break; // progress and agent events: listeners only
    }
  }

  private call<T>(msg: Call, transfer: Transferable[] = []): { id: number; promise: Promise<T> } {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    const promise = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, kind: msg.kind });
    });
    worker.postMessage({ ...msg, id } as ToWorker, transfer);
    return { id, promise };
  }

  probe(): Promise<GpuProbe> {
    return this.call<GpuProbe>({ kind: 'probe' }).promise;
  }

  /**
   * Loads a model in the worker. Never while a recovery is loading the last model again in the
   * fresh worker: one load at a time per worker (onnxruntime-web creates one WebGPU session at a
   * time, and two loads would leave whichever ended last while the page names the other).
   */
  async load(source: LoadableSource, backend: Backend, variant?: VariantName): Promise<LoadedInfo> {
    if (this.recovering) await this.recovering;
    const wanted = { source, backend, variant };
    this.lastLoad = wanted;
    try {
      return await this.sendLoad(wanted);
    } catch (e) {
      // A crash or device loss during this load: the recovery loads this same model in a fresh
      // worker (on a new device), so this load ends as that one does.
      const recovery = this.recovering;
      if (!recovery || !RECOVERED_CODES.has((e as DeepEyesError).code)) throw e;
      const { info, failure } = await recovery;
      if (info && this.lastLoad === wanted) return info;
      throw new ReloadFailedError(e as DeepEyesError, failure);
    }
  }

  private sendLoad(load: NonNullable<ModelWorkerClient['lastLoad']>): Promise<LoadedInfo> {
    return this.call<LoadedInfo>({ kind: 'load', ...load, baseUrl: this.baseUrl }).promise;
  }

  /** Starts a run; events arrive through subscribe (agent_event with this id). */
  run(request: RunRequest): { id: number; done: Promise<Trace> } {
    // The image is copied, not transferred: the page keeps showing it.
    const { id, promise } = this.call<Trace>({ kind: 'run', request });
    return { id, done: promise };
  }

  stop(runId: number): Promise<void> {
    return this.call<void>({ kind: 'stop', runId }).promise;
  }

  /** Test hook for device-loss recovery: the device is lost now, or during the next load. */
  simulateDeviceLoss(during?: 'load'): Promise<void> {
    return this.call<void>({ kind: 'simulate_device_loss', ...(during ? { during } : {}) }).promise;
  }

  /** Test hook: the worker dies of an uncaught exception (recovery follows, as for a real crash). */
  simulateCrash(): void {
    this.ensureWorker().postMessage({ kind: 'simulate_crash', id: this.nextId++ } satisfies ToWorker);
  }

  /** Live GPU buffers on the worker's device (null without WebGPU): flat over runs, or a leak. */
  memory(): Promise<GpuBufferCount | null> {
    return this.call<GpuBufferCount | null>({ kind: 'memory' }).promise;
  }

  /** Test hook: resolves once the next run of `session` has started and holds the worker. */
  simulateStuckKernel(session: StuckSession): Promise<void> {
    return this.call<void>({ kind: 'simulate_stuck_kernel', session }).promise;
  }

  /**
   * Hard stop: ends the worker (the only way to interrupt a kernel in flight), then starts a new
   * one and loads the last model again. Pending calls reject with `cancelled`.
   */
  async hardStop(): Promise<void> {
    await this.recover(new WorkerStoppedError('the run was stopped'));
  }

  /** Resolves once a recovery in progress (new worker, model loaded again) is over. */
  whenRecovered(): Promise<void> {
    return this.recovering?.then(() => {}) ?? Promise.resolve();
  }

  /**
   * Ends the worker and rejects every pending call with `reason` (at once, even when a recovery
   * is already in flight: a fresh worker that dies while loading the model again must not leave
   * that load, and every run waiting on the recovery, pending forever), then starts a fresh
   * worker and loads the last model again, up to RECOVERY_ATTEMPTS workers.
   */
  private recover(reason: DeepEyesError): Promise<void> {
    this.worker?.terminate();
    this.worker = undefined;
    const duringLoad = [...this.pending.values()].some((p) => p.kind === 'load');
    for (const [, p] of this.pending) p.reject(reason);
    this.pending.clear();
    this.recovering ??= (async () => {
      let info: LoadedInfo | undefined;
      let failure: unknown;
      for (let attempt = 0; attempt < RECOVERY_ATTEMPTS && this.lastLoad && !this.disposed; attempt++) {
        try {
          info = await this.sendLoad(this.lastLoad);
          break;
        } catch (e) {
          failure = e;
          // A worker that died again (or was ended by a hard stop) is worth another one; a load
          // that failed on its own is final.
          if (!(e instanceof WorkerCrashedError || e instanceof WorkerStoppedError)) break;
        }
      }
      if (!this.disposed) this.opts.onRecovered?.(reason, info, duringLoad);
      return info ? { info } : { failure };
    })().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering.then(() => {});
  }

  dispose(): void {
    this.disposed = true;
    this.worker?.terminate();
    this.worker = undefined;
    for (const [, p] of this.pending) p.reject(new WorkerStoppedError('the model worker was closed', false));
    this.pending.clear();
    this.listeners.clear();
  }
}
