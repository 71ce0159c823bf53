/**
 * The ModelPort the page uses when a real model runs: a thin adapter from the UI's intents to
 * the model worker's client (src/worker/model-client.ts). Stop is soft first (between tokens); if
 * the worker is stuck in one long kernel (vision encoder, a big prefill) it is ended and restarted.
 * Model locations go to the worker as typed; delivery resolves them (resolveModelUrl), once.
 */
import type { RunRequest } from '../agent/run-request';
import type { AgentEvent, Trace } from '../agent/types';
import { applyAgentEvent, endTrace, type TraceDraft } from '../agent/trace/fold';
import { DeepEyesError, toErrorInfo } from '../base/errors';
import type { Backend } from '../base/types';
import type { VariantName } from '../base/model-manifest';
import type { LoadableSource, ModelSource } from '../delivery/model-source';
import type { RunnerKind } from '../store/slices/model-slice';
import { WorkerBusyError, WorkerStoppedError } from '../worker/errors';
import { ModelWorkerClient } from '../worker/model-client';
import type { ModelPort, PortEvent } from './model-port';
import { describePath, saferPath, type LoadedPath } from './safer-path';
import { convertedModelKey } from '../delivery/converted';
import { readHubSettings } from '../base/hub-settings';
import { parseHubRef, type HubRef } from '../delivery/hub/hub-ref';
import {
  checkRoom,
  convertInWorker,
  estimateKeptBytes,
  hubRepoKind,
  isConverted,
} from '../worker/convert-client';
import { hubCatalogRef } from './model-catalog';
/** Catalog entries this build can load by itself (the pipeline-check model ships with the app). */
export const BUNDLED_MODELS: Record<string, { url: string; label: string }> = {
  'tiny-random': { url: 'models/tiny/', label: 'Tiny test model (random weights)' },
};

/** How long a soft stop may take before the worker is ended (a kernel cannot be interrupted). */
const HARD_STOP_AFTER_MS = 1500;

/** A catalog entry this build has no copy of. */
export class ModelNotPublishedError extends DeepEyesError {
  constructor() {
    super(
      'not_published',
      'This model has no public converted copy yet: convert DeepEyes-7B with `npm run convert` (see the README) and load the folder or its URL.',
    );
    this.name = 'ModelNotPublishedError';
  }
}

export class WorkerPort implements ModelPort {
  kind: RunnerKind = 'webgpu';
  private readonly listeners = new Set<(e: PortEvent) => void>();
  private readonly client: ModelWorkerClient;
  private modelId: string | undefined;
  /** The run in flight: the fold of its events so far (to close it if the worker dies). */
  private current: { id: number; draft: TraceDraft | null; done: Promise<Trace> } | undefined;
  private cancelPartial: ((t: Trace) => void) | undefined;
  /** Set while a run waits for the model to be loaded again; Stop then cancels it before it starts. */
  private waiting: { stopped: boolean } | undefined;

  constructor(client?: ModelWorkerClient) {
    this.client =
      client ??
      new ModelWorkerClient({
        onRecovered: (reason, info, duringLoad) => {
          if (reason.code === 'cancelled') return;
          if (duringLoad) {
            // The interrupted load settles with this recovery (loadModel reports it): no run was
            // lost, so nothing to start over; say only what happened to the device.
            if (info)
              this.emit({
                kind: 'notice',
                code: 'reloaded-after-loss',
                message: `${reason.message.charAt(0).toUpperCase()}${reason.message.slice(1)} while the model was loading; it was loaded again in a fresh worker${info.backend === 'webgpu' ? ' on a new GPU device' : ''}.`,
              });
            return;
          }
          this.emit({
            kind: 'error',
            error: {
              code: reason.code,
              message: info
                ? `${reason.message}. The model was loaded again: press Run to start over.`
                : `${reason.message}. Loading the model again failed: load it from the model menu.`,
              retryable: true,
            },
          });
          if (info && this.modelId)
            this.emit({ kind: 'model_ready', modelId: this.modelId, backend: info.backend });
        },
      });
    this.client.subscribe((msg) => {
      if (msg.kind === 'agent_event' && msg.id === this.current?.id) this.onAgentEvent(msg.event);
      else if (msg.kind === 'notice' && msg.code !== 'persistence-wanted')
        this.emit({ kind: 'notice', code: msg.code, message: msg.message });
      else if (msg.kind === 'file_progress' && this.modelId) {
        this.emit({
          kind: 'file_progress',
          modelId: this.modelId,
          file: msg.file,
          loadedBytes: msg.loadedBytes,
          totalBytes: msg.totalBytes,
        });
      }
    });
  }

  /** For tests: the client, to simulate device loss. */
  get workerClient(): ModelWorkerClient {
    return this.client;
  }

  private emit(e: PortEvent): void {
    for (const l of this.listeners) l(e);
  }

  private onAgentEvent(event: AgentEvent): void {
    const cur = this.current;
    if (cur) cur.draft = applyAgentEvent(cur.draft, event);
    this.emit({ kind: 'agent', event });
  }

  /** The run's trace so far, closed with `end`; what run_start did not say comes from this port. */
  private closed(draft: TraceDraft, end: Parameters<typeof endTrace>[1]): Trace {
    return endTrace(draft, end, {
      modelId: this.modelId ?? 'model',
      backend: this.kind,
      createdAt: new Date().toISOString(),
    });
  }

  subscribe(listener: (event: PortEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private loaded: { source: ModelSource; path: LoadedPath } | undefined;

  async loadSaferPath(): Promise<string | null> {
    const next = this.loaded && saferPath(this.loaded.path);
    if (!this.loaded || !next) return null;
    await this.loadModel(this.loaded.source, next.backend, next.variant as VariantName);
    return describePath(next);
  }

  async loadModel(source: ModelSource, backend: Backend = 'webgpu', variant?: VariantName): Promise<void> {
    const previous = this.loaded ? this.modelId : undefined;
    let loadable: LoadableSource;
    let id: string;
    const hub =
      source.kind === 'catalog'
        ? hubCatalogRef(source.id)
        : source.kind === 'url'
          ? parseHubRef(source.url)
          : null;
    if (hub) {
      // A Hugging Face repo: converted ONNX downloads as before; safetensors convert in this browser.
      id = source.kind === 'catalog' ? source.id : (source as { url: string }).url;
      this.modelId = id;
      const { endpoint, token } = readHubSettings();
      const done = await isConverted(hub);
      // When the repo cannot be looked at (offline, a refusal), the download route below reports
      // why with delivery's own typed error, so the probe's failure is not the user's message.
      const kind = done
        ? 'onnx'
        : await hubRepoKind(hub, endpoint || undefined, token || undefined).catch(() => 'onnx' as const);
      const convert = !done && kind === 'safetensors';
      if (!convert && !done) {
        // The worker's resolver (delivery's resolveModelUrl) turns "org/repo@rev" into the hub URL.
        const url = endpoint
          ? `${endpoint.replace(/\/+$/, '')}/${hub.repo}/resolve/${hub.revision}/`
          : `${hub.repo}@${hub.revision}`;
        loadable = { kind: 'url', url, label: hub.repo };
      } else {
        if (convert) await this.convertFromHub(hub, id, endpoint || undefined, token || undefined);
        loadable = { kind: 'converted', key: convertedModelKey(hub.repo, hub.revision), label: hub.repo };
      }
    } else if (source.kind === 'catalog') {
      const bundled = BUNDLED_MODELS[source.id];
      if (!bundled) throw new ModelNotPublishedError();
      loadable = { kind: 'url', url: bundled.url, label: bundled.label };
      id = source.id;
    } else if (source.kind === 'url') {
      loadable = { kind: 'url', url: source.url.trim(), label: source.label ?? source.url };
      id = source.url;
    } else if (source.kind === 'files') {
      loadable = source;
      id =
        (source.files[0] as File & { webkitRelativePath?: string })?.webkitRelativePath?.split('/')[0] ||
        'local folder';
    } else {
      throw new DeepEyesError('server_source', 'the model worker does not talk to chat servers');
    }
    this.modelId = id;
    this.emit({ kind: 'model_status', modelId: id, cache: 'loading' });
    try {
      const info = await this.client.load(loadable, backend, variant);
      this.kind = info.backend;
      this.loaded = { source, path: { backend: info.backend, variant: info.variant } };
      this.emit({ kind: 'model_ready', modelId: id, backend: info.backend });
    } catch (e) {
      this.emit({ kind: 'model_status', modelId: id, cache: 'error', error: toErrorInfo(e).message });
      // The worker let the previous model go before loading this one (its memory was needed):
      // nothing is loaded now, and the picker must offer that model again.
      this.loaded = undefined;
      if (previous && previous !== id)
        this.emit({ kind: 'model_status', modelId: previous, cache: 'cached' });
      this.emit({ kind: 'model_unloaded' });
      throw e;
    }
  }

  /** Converts a hub checkpoint into OPFS, reporting progress as the model's download bar. */
  private async convertFromHub(hub: HubRef, id: string, endpoint?: string, token?: string): Promise<void> {
    this.emit({ kind: 'model_status', modelId: id, cache: 'downloading' });
    await checkRoom(await estimateKeptBytes(hub, endpoint, token));
    const request = { repo: `hf:${hub.repo}@${hub.revision}`, endpoint, token, dtypes: ['q4' as const] };
    await convertInWorker(request, (p) => {
      const rate = `${p.mbPerSecond.toFixed(1)} MB/s`;
      const eta = p.etaSeconds === null ? '' : `, about ${Math.ceil(p.etaSeconds / 60)} min left`;
      this.emit({
        kind: 'file_progress',
        modelId: id,
        file: `converting: ${p.tensorsDone}/${p.tensorsTotal} tensors, ${(p.downloadedBytes / 1e9).toFixed(2)} GB read at ${rate}${eta}`,
        loadedBytes: p.bytesDone,
        totalBytes: p.bytesTotal,
      });
    });
  }

  async run(request: RunRequest): Promise<Trace> {
    if (this.current || this.waiting) throw new WorkerBusyError();
    // After a hard stop or a crash the worker is still reloading the model: a run sent now would
    // find no model. Wait for it; a Stop meanwhile cancels the run before it starts.
    const waiting = { stopped: false };
    this.waiting = waiting;
    try {
      await this.client.whenRecovered();
    } finally {
      this.waiting = undefined;
    }
    if (waiting.stopped) throw new WorkerStoppedError('the run was stopped before it started');
    if (this.current) throw new WorkerBusyError();
    const { id, done } = this.client.run(request);
    const cur = { id, draft: null as TraceDraft | null, done };
    this.current = cur;
    try {
      const trace = await Promise.race([
        done,
        new Promise<Trace>((resolve) => {
          this.cancelPartial = resolve;
        }),
      ]);
      // The agent ends a failed run with a trace (kept and exportable); its run_end event carries
      // the error (trace.error) to the store, which shows it.
      return trace;
    } catch (e) {
      // The run died with the worker (device lost, crash): close the trace with what it had, so it
      // is kept, exported, and can be resumed from its last completed turn.
      if (cur.draft) {
        this.emit({
          kind: 'agent',
          event: {
            type: 'run_end',
            trace: this.closed(cur.draft, { endReason: 'error', error: toErrorInfo(e, 'run_failed') }),
          },
        });
      }
      throw e;
    } finally {
      this.current = undefined;
      this.cancelPartial = undefined;
    }
  }

  stop(): void {
    if (this.waiting) this.waiting.stopped = true;
    const cur = this.current;
    if (!cur) return;
    void this.client.stop(cur.id).catch(() => {});
    const timer = setTimeout(() => {
      if (this.current !== cur) return;
      // Stuck inside one kernel: end the worker; the run ends as cancelled with what it had,
      // the turn it was writing included.
      const trace = cur.draft && this.closed(cur.draft, { endReason: 'cancelled', keepLive: true });
      if (trace) {
        this.emit({ kind: 'agent', event: { type: 'run_end', trace } });
        this.cancelPartial?.(trace);
      }
      void this.client.hardStop();
    }, HARD_STOP_AFTER_MS);
    void cur.done.finally(() => clearTimeout(timer)).catch(() => {});
  }

  dispose(): void {
    this.client.dispose();
    this.listeners.clear();
  }
}
