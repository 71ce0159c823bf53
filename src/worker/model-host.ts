/**
 * The worker side: owns the GPU device, the ONNX sessions (through QwenVLEngine) and the run in
 * flight. At most one run at a time; a second is refused with `busy`. A soft stop aborts between
 * tokens; a hard stop is the page terminating this worker. Every failure leaves as ErrorInfo
 * (toErrorInfo), typed where it is thrown; only failures nobody typed become `run_failed`.
 */
import { runDeepEyes } from '../agent/executor';
import type { RunRequest } from '../agent/run-request';
import { toErrorInfo, type ErrorInfo } from '../base/errors';
import type { Backend } from '../base/types';
import type { VariantName } from '../base/model-manifest';
import { MANIFEST_FILE, type DeepEyesManifest } from '../base/model-manifest';
import { deliverModel } from '../delivery/deliver';
import { openConvertedModel } from '../delivery/converted';
import type { DeliveryEvent } from '../delivery/events';
import { parseManifest } from '../delivery/manifest-fetch';
import { LocalFolderModelFiles, type LoadableSource } from '../delivery/model-source';
import { chooseVariant } from '../delivery/needs';
import {
  DeviceLostError,
  NoWebGpuError,
  outOfMemoryError,
  type ModelNeeds,
} from '../model/backend/gpu-errors';
import { ortWeb } from '../model/backend/ort-web';
import { noGpuProbe, probeWebGpu } from '../model/backend/webgpu-probe';
import type { ModelFiles } from '../model/runtime/model-files';
import type { ExecutionTarget, OrtApi } from '../model/runtime/ort-api';
import type { QwenVLEngine } from '../model/runtime/qwen-vl-engine';
import { loadEngine, type LoadEngineOptions } from '../model/load-engine';
import { ModelNotLoadedError, WorkerBusyError } from './errors';
import { createWorkerDevice, type WorkerDevice } from '../model/backend/gpu-device';
import type { FromWorker, StuckSession, ToWorker } from './protocol';

export interface ModelHostOptions {
  /**
   * The runtime for loads off the GPU: onnxruntime-web on WASM in the browser (the default);
   * Node tests of the real host pass onnxruntime-node on the CPU.
   */
  offGpu?: { ort: OrtApi; target: Exclude<ExecutionTarget, 'webgpu'> };
}

export class ModelHost {
  private engine: QwenVLEngine | undefined;
  private device: WorkerDevice | undefined;
  private run: { id: number; controller: AbortController } | undefined;
  private deviceLost: DeviceLostError | undefined;
  private needs: ModelNeeds | undefined;
  /** The load in flight (settled when none): the next one starts after it. */
  private loading: Promise<void> = Promise.resolve();
  /** Test hook armed: the next load loses its device as it starts creating the decoder session. */
  private loseDeviceInLoad = false;

  constructor(
    private readonly post: (msg: FromWorker) => void,
    private readonly opts: ModelHostOptions = {},
  ) {}

  /** The loaded engine, for in-worker tools that read logits after the app's own load (bench/browser-7b). */
  get loadedEngine(): QwenVLEngine | undefined {
    return this.engine;
  }

  async handle(msg: ToWorker): Promise<void> {
    try {
      switch (msg.kind) {
        case 'probe':
          this.post({ kind: 'probe_result', id: msg.id, probe: await probeWebGpu() });
          return;
        case 'load': {
          // One load at a time: onnxruntime-web creates one WebGPU session at a time, and the
          // engine and device a load sets must be the last load's.
          const load = this.loading.then(() =>
            this.load(msg.id, msg.source, msg.backend, msg.baseUrl, msg.variant),
          );
          this.loading = load.catch(() => {});
          await load;
          return;
        }
        case 'run':
          await this.runAgent(msg.id, msg.request);
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
          if (msg.during === 'load') this.loseDeviceInLoad = true;
          else this.device?.device.destroy();
          this.post({ kind: 'done', id: msg.id });
          return;
        case 'simulate_crash':
          return; // handled by the worker's entry (model.worker.ts): a host cannot kill its thread
        case 'memory':
          this.post({ kind: 'memory_result', id: msg.id, gpu: this.device?.liveBuffers() ?? null });
          return;
        case 'simulate_stuck_kernel':
          this.stickNextRun(msg.id, msg.session);
          return;
      }
    } catch (e) {
      this.post({ kind: 'error', id: msg.id, error: this.errorInfo(e) });
    }
  }

  /**
   * The next run of `session` announces itself (the answer to call `id`) and then holds this
   * thread, as an uninterruptible kernel does: only the page ending the worker gets out of it.
   */
  private stickNextRun(id: number, name: StuckSession): void {
    if (!this.engine) throw new ModelNotLoadedError();
    const session = this.engine.runtime.sessions[name];
    const run = session.run.bind(session);
    let armed = true;
    session.run = ((...args: Parameters<typeof run>) => {
      if (armed) {
        armed = false;
        this.post({ kind: 'done', id });
        // Never returns: a test passes only if the page ends this worker (closing the page does too).
        for (;;) {
          /* a kernel that does not return */
        }
      }
      return run(...args);
    }) as typeof session.run;
  }

  /** A lost device explains whatever failed after it; a known out-of-memory form is typed. */
  private errorInfo(e: unknown): ErrorInfo {
    if (this.deviceLost) return this.deviceLost.toInfo();
    return toErrorInfo(outOfMemoryError(e, this.needs) ?? e, 'run_failed');
  }

  private async load(
    id: number,
    source: LoadableSource,
    backend: Backend,
    baseUrl: string,
    forced?: VariantName,
  ): Promise<void> {
    const web = ortWeb(baseUrl);
    await this.engine?.dispose();
    this.engine = undefined;
    if (backend === 'webgpu' && !this.device) {
      this.device = await createWorkerDevice();
      if (!this.device) throw new NoWebGpuError((await probeWebGpu()).reason ?? 'no WebGPU adapter');
      void this.device.device.lost.then((info) => {
        this.deviceLost = new DeviceLostError(
          `${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}`,
        );
        this.run?.controller.abort();
        this.post({ kind: 'error', error: this.deviceLost.toInfo() });
      });
    }
    const target: Backend = backend === 'webgpu' && this.device ? 'webgpu' : 'wasm';
    const runtime: { ort: OrtApi; target: ExecutionTarget } =
      target === 'webgpu' ? { ort: web, target } : (this.opts.offGpu ?? { ort: web, target });
    const probe = target === 'webgpu' && this.device ? this.device.probe : noGpuProbe('running on WASM');
    let files: ModelFiles;
    let variant: VariantName;
    let modelId: string;
    let manifest: DeepEyesManifest;
    if (source.kind === 'url') {
      // Downloaded once into OPFS (resumable, SHA-256 checked), then read from there, offline too.
      const delivered = await deliverModel({
        source: source.url,
        base: baseUrl,
        ...(forced ? { variant: forced } : { probe }),
        onEvent: (ev) => this.onDelivery(id, ev),
      });
      ({ files, variant, manifest } = delivered);
      modelId = delivered.manifest.model_id || delivered.baseUrl;
    } else if (source.kind === 'converted') {
      const converted = await openConvertedModel(
        source.key,
        (m) => forced ?? chooseVariant(m, probe).variant,
      );
      ({ files, variant, manifest } = converted);
      modelId = converted.manifest.model_id;
    } else {
      files = LocalFolderModelFiles.fromFiles(source.files);
      manifest = parseManifest(await files.readText(MANIFEST_FILE), MANIFEST_FILE);
      variant = forced ?? chooseVariant(manifest, probe).variant;
      modelId = manifest.model_id || files.id;
    }
    const sizes = manifest.variants[variant];
    this.needs = sizes && {
      variant,
      totalBytes: sizes.total_bytes,
      maxSingleTensorBytes: sizes.max_single_tensor_bytes,
      smaller: Object.entries(manifest.variants)
        .flatMap(([v, s]) =>
          s && s.total_bytes < sizes.total_bytes ? [{ variant: v, totalBytes: s.total_bytes }] : [],
        )
        .sort((a, b) => a.totalBytes - b.totalBytes),
    };
    const loaded = await this.watchMemory(() =>
      loadEngine(files, {
        ...runtime,
        variant,
        // onnxruntime runs on our device: the one `lost`, watchMemory and the loss hook act on.
        ...(target === 'webgpu' && this.device
          ? {
              maxScoreBytes: this.device.probe.maxStorageBufferBindingSize,
              gpuDevice: this.device.device as unknown as LoadEngineOptions['gpuDevice'],
            }
          : {}),
        onProgress: (p) => {
          if (!this.loseDeviceInLoad || p.component !== 'decoder_model_merged' || p.phase !== 'create')
            return;
          this.loseDeviceInLoad = false;
          // Now, before the load can answer: the vision and embed sessions are on this device.
          this.device?.device.destroy();
        },
      }),
    );
    this.engine = loaded.engine;
    if (loaded.cappedPixels !== undefined) {
      this.post({
        kind: 'notice',
        code: 'image-size-capped',
        message: `This GPU's largest buffer holds the vision encoder's attention for images up to ${(loaded.cappedPixels / 1e6).toFixed(2)} megapixels; larger pictures are downscaled to that (zoom crops still come from the full-size original).`,
      });
    }
    this.post({
      kind: 'loaded',
      id,
      info: {
        modelId,
        label: source.label ?? modelId,
        backend: target,
        variant,
        adapter: this.device?.probe.adapterName,
      },
    });
  }

  /**
   * Runs `work` inside a WebGPU 'out-of-memory' error scope: an allocation the GPU refused
   * surfaces as a GPUOutOfMemoryError there (onnxruntime-web itself only scopes validation).
   */
  private async watchMemory<T>(work: () => Promise<T>): Promise<T> {
    const device = this.device?.device;
    if (!device) return work();
    device.pushErrorScope('out-of-memory');
    let result: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      result = { ok: true, value: await work() };
    } catch (error) {
      result = { ok: false, error };
    }
    const oom = await device.popErrorScope().catch(() => null);
    if (oom) throw outOfMemoryError(oom, this.needs) ?? oom;
    if (!result.ok) throw result.error;
    return result.value;
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

  private async runAgent(id: number, request: RunRequest): Promise<void> {
    const engine = this.engine;
    if (!engine) throw new ModelNotLoadedError();
    if (this.run) throw new WorkerBusyError();
    const controller = new AbortController();
    this.run = { id, controller };
    try {
      const trace = await this.watchMemory(() =>
        runDeepEyes(engine, {
          ...request,
          signal: controller.signal,
          onEvent: (event) => this.post({ kind: 'agent_event', id, event }),
        }),
      );
      if (this.deviceLost) throw this.deviceLost;
      this.post({ kind: 'run_done', id, trace });
    } finally {
      this.run = undefined;
    }
  }
}
