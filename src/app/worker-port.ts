/**
 * The EnginePort the page uses when a real model runs: a thin adapter from the UI's intents to
 * the model worker's client (src/worker/client.ts). Stop is soft first (between tokens); if the
 * worker is stuck in one long kernel (vision encoder, a big prefill) it is ended and restarted.
 */
import type { AgentEvent, Trace } from '../agent/types';
import { TRACE_FORMAT, TRACE_VERSION } from '../agent/trace/schema';
import { EngineClient, WorkerCallError } from '../worker/client';
import type { WireModelSource } from '../worker/protocol';
import { PortError, type EnginePort, type ModelSource, type PortEvent, type RunRequest } from './engine-port';
import type { EngineKind } from '../store/slices/model-slice';
import { describePath, saferPath, type LoadedPath } from './safer-path';
import { interruptedStep, streamedTurnAfter, type StreamedTurn } from './interrupted-step';

import type { Backend } from '../base/types';
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

export function huggingFaceUrl(input: string): string {
  const s = input.trim();
  if (/^https?:\/\//.test(s)) {
    const hf = /^https:\/\/huggingface\.co\/([^/]+\/[^/]+)\/?$/.exec(s);
    return hf ? `https://huggingface.co/${hf[1]}/resolve/main/` : s.endsWith('/') ? s : s + '/';
  }
  if (/^[\w.-]+\/[\w.-]+$/.test(s)) return `https://huggingface.co/${s}/resolve/main/`;
  throw new PortError(
    'bad_url',
    `"${s}" is neither a Hugging Face repo (org/name) nor an http(s) URL`,
    false,
  );
}

export class WorkerPort implements EnginePort {
  kind: EngineKind = 'webgpu';
  private readonly listeners = new Set<(e: PortEvent) => void>();
  private readonly client: EngineClient;
  private modelId: string | undefined;
  private current:
    | { id: number; partial: Trace | undefined; live: StreamedTurn | undefined; done: Promise<Trace> }
    | undefined;
  private cancelPartial: ((t: Trace) => void) | undefined;

  constructor(client?: EngineClient) {
    this.client =
      client ??
      new EngineClient({
        onRecovered: (reason, info) => {
          if (reason.code === 'cancelled') return;
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
  get engineClient(): EngineClient {
    return this.client;
  }

  private emit(e: PortEvent): void {
    for (const l of this.listeners) l(e);
  }

  private onAgentEvent(event: AgentEvent): void {
    const cur = this.current;
    if (cur) {
      cur.live = streamedTurnAfter(cur.live, event);
      if (event.type === 'run_start') {
        cur.partial = {
          format: TRACE_FORMAT,
          version: TRACE_VERSION,
          id: event.traceId,
          createdAt: new Date().toISOString(),
          modelId: this.modelId ?? 'model',
          backend: this.kind,
          question: event.question,
          image: event.image,
          settings: event.settings,
          steps: [],
        };
      } else if (event.type === 'turn_end') cur.partial?.steps.push(event.step);
    }
    this.emit({ kind: 'agent', event });
  }

  subscribe(listener: (event: PortEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private loaded: { source: ModelSource; path: LoadedPath } | undefined;

  async loadSaferPath(): Promise<string | null> {
    const next = this.loaded && saferPath(this.loaded.path);
    if (!this.loaded || !next) return null;
    await this.loadModel(this.loaded.source, next.backend, next.variant as 'fp32' | 'q4' | 'q4f16');
    return describePath(next);
  }

  async loadModel(
    source: ModelSource,
    backend: Backend = 'webgpu',
    variant?: 'fp32' | 'q4' | 'q4f16',
  ): Promise<void> {
    let wire: WireModelSource;
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
      const convert =
        !done && (await hubRepoKind(hub, endpoint || undefined, token || undefined)) === 'safetensors';
      if (!convert && !done) {
        const url = endpoint
          ? `${endpoint.replace(/\/+$/, '')}/${hub.repo}/resolve/${hub.revision}/`
          : huggingFaceUrl(hub.repo);
        wire = { kind: 'url', url, label: hub.repo };
      } else {
        if (convert) await this.convertFromHub(hub, id, endpoint || undefined, token || undefined);
        wire = { kind: 'converted', key: convertedModelKey(hub.repo, hub.revision), label: hub.repo };
      }
    } else if (source.kind === 'catalog') {
      const bundled = BUNDLED_MODELS[source.id];
      if (!bundled) {
        throw new PortError(
          'not_published',
          'This model has no public converted copy yet: convert DeepEyes-7B with `npm run convert` (see the README) and load the folder or its URL.',
          false,
        );
      }
      wire = { kind: 'url', url: bundled.url, label: bundled.label };
      id = source.id;
    } else if (source.kind === 'url') {
      wire = { kind: 'url', url: huggingFaceUrl(source.url), label: source.url };
      id = source.url;
    } else {
      wire = { kind: 'files', files: source.files };
      id =
        (source.files[0] as File & { webkitRelativePath?: string })?.webkitRelativePath?.split('/')[0] ||
        'local folder';
    }
    this.modelId = id;
    this.emit({ kind: 'model_status', modelId: id, cache: 'loading' });
    try {
      const info = await this.client.load(wire, backend as Backend, variant);
      this.kind = info.backend;
      this.loaded = { source, path: { backend: info.backend, variant: info.variant } };
      this.emit({ kind: 'model_ready', modelId: id, backend: info.backend });
    } catch (e) {
      const err = e instanceof WorkerCallError ? new PortError(e.code, e.message, e.retryable) : e;
      this.emit({ kind: 'model_status', modelId: id, cache: 'error', error: (err as Error).message });
      throw err;
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
    if (this.current) throw new PortError('busy', 'a run is already in progress', true);
    // After a hard stop or a crash the worker is still reloading the model: a run sent now would
    // find no model. Wait for it.
    await this.client.whenRecovered();
    if (this.current) throw new PortError('busy', 'a run is already in progress', true);
    const { id, done } = this.client.run(request);
    const cur = {
      id,
      partial: undefined as Trace | undefined,
      live: undefined as StreamedTurn | undefined,
      done,
    };
    this.current = cur;
    try {
      const trace = await Promise.race([
        done,
        new Promise<Trace>((resolve) => {
          this.cancelPartial = resolve;
        }),
      ]);
      // The agent ends a failed run with a trace (kept and exportable); the page still needs to say why.
      if (trace.endReason === 'error' && trace.error) {
        const invalid = trace.error.code === 'InvalidLogitsError';
        this.emit({
          kind: 'error',
          error: {
            code: invalid ? 'invalid_logits' : 'run_failed',
            message: trace.error.message,
            retryable: !invalid,
          },
        });
      }
      return trace;
    } catch (e) {
      // The run died with the worker (device lost, crash): close the trace with what it had, so it
      // is kept, exported, and can be resumed from its last completed turn.
      if (cur.partial) {
        const info =
          e instanceof WorkerCallError
            ? { code: e.code, message: e.message }
            : { code: 'run_failed', message: String(e) };
        this.emit({
          kind: 'agent',
          event: { type: 'run_end', trace: { ...cur.partial, endReason: 'error', error: info } },
        });
      }
      if (e instanceof WorkerCallError) throw new PortError(e.code, e.message, e.retryable);
      throw e;
    } finally {
      this.current = undefined;
      this.cancelPartial = undefined;
    }
  }

  stop(): void {
    const cur = this.current;
    if (!cur) return;
    void this.client.stop(cur.id).catch(() => {});
    const timer = setTimeout(() => {
      if (this.current !== cur) return;
      // Stuck inside one kernel: end the worker; the run ends as cancelled with what it had,
      // the turn it was writing included.
      const cut = interruptedStep(cur.live);
      const trace: Trace | undefined = cur.partial && {
        ...cur.partial,
        steps: cut ? [...cur.partial.steps, cut] : cur.partial.steps,
        endReason: 'cancelled',
      };
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
