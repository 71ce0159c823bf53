/**
 * The worker side: owns the GPU device, the ONNX sessions (through QwenVLEngine) and the run in
 * flight. At most one run at a time; a second is refused with `busy`. A soft stop aborts between
 * tokens; a hard stop is the page terminating this worker.
 */
import { runDeepEyes } from '../agent/loop';
import { ortWeb } from '../model/backend/ort-web';
import { probeWebGpu } from '../model/backend/webgpu-probe';
import { QwenVLEngine } from '../model/runtime/qwen-vl-engine';
import type { ModelFiles } from '../model/runtime/model-files';
import { ModelFileMissingError } from '../model/runtime/model-files';
import { InvalidLogitsError } from '../model/runtime/sampling';
import { chooseVariant, ModelTooLargeError, type ManifestVariants } from './choose-variant';
import { FetchModelFiles, FolderModelFiles } from './fetch-files';
import { createWorkerDevice, type WorkerDevice } from './gpu-device';
import { wireError, type FromWorker, type ToWorker, type WireError, type WireModelSource } from './protocol';

export class EngineHost {
  private engine: QwenVLEngine | undefined;
  private device: WorkerDevice | undefined;
  private run: { id: number; controller: AbortController } | undefined;
  private deviceLost = false;

  constructor(private readonly post: (msg: FromWorker) => void) {}

  async handle(msg: ToWorker): Promise<void> {
    try {
      switch (msg.kind) {
        case 'probe':
          this.post({ kind: 'probe_result', id: msg.id, probe: await probeWebGpu() });
          return;
        case 'load':
          await this.load(msg.id, msg.source, msg.backend, msg.baseUrl);
          return;
        case 'run':
          await this.runAgent(msg.id, msg);
          return;
        case 'stop':
          if (this.run?.id === msg.runId) this.run.controller.abort();
          this.post({ kind: 'done', id: msg.id });
          return;
        case 'unload':
          await this.engine?.dispose();
          this.engine = undefined;
          this.post({ kind: 'done', id: msg.id });
          return;
        case 'simulate_device_loss':
          this.device?.device.destroy();
          this.post({ kind: 'done', id: msg.id });
          return;
      }
    } catch (e) {
      this.post({ kind: 'error', id: msg.id, error: this.toWire(e) });
    }
  }

  private toWire(e: unknown): WireError {
    if (this.deviceLost) return wireError('device_lost', 'the GPU device was lost (driver reset or too much memory asked); the model will be reloaded', true);
    if (e instanceof ModelTooLargeError) return wireError('model_too_large', e.message);
    if (e instanceof ModelFileMissingError) return wireError('model_missing', e.message, true);
    if (e instanceof InvalidLogitsError) return wireError('invalid_logits', e.message);
    const message = e instanceof Error ? e.message : String(e);
    if (/out of memory|allocation|OOM/i.test(message)) {
      return wireError('load_failed', `${message}. The GPU ran out of memory: try a smaller variant (q4) or close other tabs.`);
    }
    return wireError('run_failed', message);
  }

  private async load(id: number, source: WireModelSource, backend: 'webgpu' | 'wasm', baseUrl: string): Promise<void> {
    const ort = ortWeb(baseUrl);
    await this.engine?.dispose();
    this.engine = undefined;
    let target: 'webgpu' | 'wasm' = backend;
    if (backend === 'webgpu' && !this.device) {
      this.device = await createWorkerDevice();
      if (!this.device) {
        const probe = await probeWebGpu();
        throw Object.assign(new Error(probe.reason ?? 'no WebGPU adapter'), { code: 'no_webgpu' });
      }
      // onnxruntime-web runs on our device (full limits, and a `lost` we can watch).
      (ort.env.webgpu as unknown as { device: unknown }).device = this.device.device;
      void this.device.device.lost.then((info) => {
        this.deviceLost = true;
        this.run?.controller.abort();
        this.post({
          kind: 'error',
          error: wireError('device_lost', `the GPU device was lost (${info.reason || 'unknown'}: ${info.message}); reloading the model`, true),
        });
      });
    }
    if (backend === 'webgpu' && !this.device) target = 'wasm';
    const files: ModelFiles =
      source.kind === 'url'
        ? new FetchModelFiles(new URL(source.url, baseUrl).href, (file, loadedBytes, totalBytes) =>
            this.post({ kind: 'file_progress', id, file, loadedBytes, totalBytes }),
          )
        : new FolderModelFiles(source.files, source.label);
    const manifest = (await files.exists('deepeyes-manifest.json'))
      ? (JSON.parse(await files.readText('deepeyes-manifest.json')) as ManifestVariants & { model_id?: string })
      : undefined;
    const variant = chooseVariant(manifest, {
      webgpu: target === 'webgpu',
      shaderF16: this.device?.shaderF16 ?? false,
      maxStorageBufferBindingSize: this.device?.maxStorageBufferBindingSize,
    });
    this.engine = await QwenVLEngine.load(ort, files, { variant, target });
    this.post({
      kind: 'loaded',
      id,
      info: {
        modelId: manifest?.model_id ?? files.id,
        label: source.label ?? manifest?.model_id ?? files.id,
        backend: target,
        variant,
        adapter: this.device?.adapterName,
      },
    });
  }

  private async runAgent(id: number, msg: Extract<ToWorker, { kind: 'run' }>): Promise<void> {
    if (!this.engine) throw Object.assign(new Error('no model is loaded'), { code: 'model_missing' });
    if (this.run) {
      this.post({ kind: 'error', id, error: wireError('busy', 'a run is already in progress: stop it first', true) });
      return;
    }
    const controller = new AbortController();
    this.run = { id, controller };
    try {
      const { request } = msg;
      const trace = await runDeepEyes(this.engine, {
        image: request.image,
        question: request.question,
        options: request.options,
        settings: request.settings,
        signal: controller.signal,
        onEvent: (event) => this.post({ kind: 'agent_event', id, event }),
      });
      if (this.deviceLost) throw new Error('device lost during the run');
      this.post({ kind: 'run_done', id, trace });
    } finally {
      this.run = undefined;
    }
  }
}
