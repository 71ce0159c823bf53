/**
 * The playground's "Server" model source: an ModelPort that runs the agent on this page against an
 * OpenAI-compatible chat server (vLLM, SGLang, `npm run serve`) and hands every other source to
 * the model worker. The agent's work here is light (requests, crops, PNG encoding); the model runs
 * on the server. Traces, export and replay are the same as with a local model.
 */
import { runDeepEyes } from '../agent/executor';
import type { Trace } from '../agent/types';
import { ChatServerEngine } from '../server-engine/chat-server-engine';
import type { RunRequest } from '../agent/run-request';
import type { ModelSource } from '../delivery/model-source';
import type { ModelPort, PortEvent } from './model-port';
import type { RunnerKind } from '../store/slices/model-slice';

export class ServerAwarePort implements ModelPort {
  private listeners = new Set<(e: PortEvent) => void>();
  private server: ChatServerEngine | null = null;
  private abort: AbortController | null = null;

  constructor(private readonly inner: ModelPort) {
    inner.subscribe((e) => {
      // A local model loaded: runs go to the worker again.
      if (e.kind === 'model_ready') this.server = null;
      this.emit(e);
    });
  }

  get kind(): RunnerKind {
    return this.server ? 'server' : this.inner.kind;
  }

  private emit(e: PortEvent): void {
    for (const l of this.listeners) l(e);
  }

  subscribe(listener: (e: PortEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async loadModel(source: ModelSource, backend?: Parameters<ModelPort['loadModel']>[1]): Promise<void> {
    if (source.kind !== 'server') return this.inner.loadModel(source, backend);
    const engine = new ChatServerEngine({
      baseUrl: source.baseUrl,
      model: source.model,
      ...(source.apiKey ? { apiKey: source.apiKey } : {}),
    });
    // The health check: the server answers /v1/models and serves this model. Its typed errors
    // (connection refused, CORS, 401, unknown model) carry their advice to the UI as they are.
    await engine.connect();
    this.server = engine;
    const id = `server:${source.model}@${engine.backend.slice('server/'.length)}`;
    this.emit({ kind: 'model_ready', modelId: id, backend: 'server', label: `${source.model} (server)` });
  }

  async run(request: RunRequest): Promise<Trace> {
    if (!this.server) return this.inner.run(request);
    this.abort = new AbortController();
    try {
      const trace = await runDeepEyes(this.server, {
        image: request.image,
        question: request.question,
        ...(request.options ? { options: request.options } : {}),
        settings: request.settings,
        signal: this.abort.signal,
        ...(request.resumeFrom ? { resumeFrom: request.resumeFrom } : {}),
        onEvent: (event) => this.emit({ kind: 'agent', event }),
      });
      return trace;
    } finally {
      this.abort = null;
    }
  }

  stop(): void {
    if (this.abort) this.abort.abort();
    else this.inner.stop();
  }

  loadSaferPath(): Promise<string | null> {
    return this.server ? Promise.resolve(null) : (this.inner.loadSaferPath?.() ?? Promise.resolve(null));
  }

  dispose(): void {
    this.abort?.abort();
    this.inner.dispose();
  }
}
