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
import { deliverModel } from '../delivery/deliver';
import { LocalFolderModelFiles } from '../delivery/model-source';
import { openConvertedModel } from '../delivery/converted';
import { chooseVariant } from '../delivery/needs';
import { DeliveryError } from '../delivery/errors';
import { parseManifest } from '../delivery/manifest-fetch';
import type { DeliveryEvent } from '../delivery/events';
import type { GpuProbe } from '../model/backend/webgpu-probe';

import { visionPixelBudget } from '../model/runtime/vision-budget';
import { createWorkerDevice, type WorkerDevice } from './gpu-device';
import { wireError, type FromWorker, type ToWorker, type WireError, type WireModelSource } from './protocol';

import type { Variant } from '../base/types';
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
          await this.load(msg.id, msg.source, msg.backend, msg.baseUrl, msg.variant);
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
    if (this.deviceLost)
      return wireError(
        'device_lost',
        'the GPU device was lost (driver reset or too much memory asked); the model will be reloaded',
        true,
      );
    const coded = e as { code?: unknown; retryable?: unknown; message?: unknown };
    if (e instanceof DeliveryError || coded?.code === 'model_too_large') {
      return {
        code: String(coded.code),
        message: String(coded.message),
        retryable: coded.retryable === true,
      };
    }
    if (e instanceof ModelFileMissingError) return wireError('model_missing', e.message, true);
    if (e instanceof InvalidLogitsError) return wireError('invalid_logits', e.message);
    const message = e instanceof Error ? e.message : String(e);
    if (/out of memory|allocation|OOM/i.test(message)) {
      return wireError(
        'load_failed',
        `${message}. The GPU ran out of memory: try a smaller variant (q4) or close other tabs.`,
      );
    }
    return wireError('run_failed', message);
  }

  private async load(
    id: number,
    source: WireModelSource,
    backend: 'webgpu' | 'wasm',
    baseUrl: string,
    forced?: 'fp32' | 'q4' | 'q4f16',
  ): Promise<void> {
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
          error: wireError(
            'device_lost',
            `the GPU device was lost (${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''})`,
            true,
          ),
        });
      });
    }
    if (backend === 'webgpu' && !this.device) target = 'wasm';
    const probe = this.probeFor(target);
    let files: ModelFiles;
    let variant: Variant;
    let modelId: string;
    if (source.kind === 'url') {
      // Downloaded once into OPFS (resumable, SHA-256 checked), then read from there, offline too.
      const delivered = await deliverModel({
        source: source.url,
        base: baseUrl,
        ...(forced ? { variant: forced } : { probe }),
        onEvent: (ev) => this.onDelivery(id, ev),
      });
      files = delivered.files;
      variant = delivered.variant;
      modelId = delivered.manifest.model_id || delivered.baseUrl;
    } else if (source.kind === 'converted') {
      const converted = await openConvertedModel(
        source.key,
        (m) => forced ?? chooseVariant(m, probe).variant,
      );
      files = converted.files;
      variant = converted.variant;
      modelId = converted.manifest.model_id;
    } else {
      files = LocalFolderModelFiles.fromFiles(source.files);
      const manifest = parseManifest(
        await files.readText('deepeyes-manifest.json'),
        'deepeyes-manifest.json',
      );
      variant = forced ?? chooseVariant(manifest, probe).variant;
      modelId = manifest.model_id || files.id;
    }
    this.engine = await QwenVLEngine.load(ort, files, { variant, target });
    if (target === 'webgpu' && this.device) {
      const budget = visionPixelBudget(
        this.engine.runtime.config.vision,
        this.device.maxStorageBufferBindingSize,
      );
      if (this.engine.limitImagePixels(budget.maxPixels)) {
        this.post({
          kind: 'notice',
          code: 'image-size-capped',
          message: `This GPU's largest buffer holds the vision encoder's attention for images up to ${(budget.maxPixels / 1e6).toFixed(2)} megapixels; larger pictures are downscaled to that (zoom crops still come from the full-size original).`,
        });
      }
    }
    this.post({
      kind: 'loaded',
      id,
      info: {
        modelId,
        label: source.label ?? modelId,
        backend: target,
        variant,
        adapter: this.device?.adapterName,
      },
    });
  }

  /** What the delivery layer needs to pick a variant: the device we really got, or no GPU. */
  private probeFor(target: 'webgpu' | 'wasm'): GpuProbe {
    const d = this.device;
    if (target !== 'webgpu' || !d) {
      return {
        available: false,
        reason: 'running on WASM',
        features: [],
        shaderF16: false,
        maxBufferSize: 0,
        maxStorageBufferBindingSize: 0,
      };
    }
    return {
      available: true,
      description: d.adapterName,
      features: d.shaderF16 ? ['shader-f16'] : [],
      shaderF16: d.shaderF16,
      maxBufferSize: d.maxBufferSize,
      maxStorageBufferBindingSize: d.maxStorageBufferBindingSize,
    };
  }

  private onDelivery(id: number, ev: DeliveryEvent): void {
    if (ev.kind === 'progress') {
      this.post({
        kind: 'file_progress',
        id,
        file: ev.path,
        loadedBytes: ev.bytesDone,
        totalBytes: ev.bytesTotal,
      });
    } else if (ev.kind === 'file-done') {
      this.post({ kind: 'file_progress', id, file: ev.path, loadedBytes: ev.bytes, totalBytes: ev.bytes });
    } else if (ev.kind === 'notice') {
      this.post({ kind: 'notice', code: ev.code, message: ev.message });
    }
  }

  private async runAgent(id: number, msg: Extract<ToWorker, { kind: 'run' }>): Promise<void> {
    if (!this.engine) throw Object.assign(new Error('no model is loaded'), { code: 'model_missing' });
    if (this.run) {
      this.post({
        kind: 'error',
        id,
        error: wireError('busy', 'a run is already in progress: stop it first', true),
      });
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
        resumeFrom: request.resumeFrom,
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
