/**
 * The app's intents (run, stop, load a model, open a picture or a sample, import/export) and
 * the wiring from modelPort events into the store. Components call these; they never talk to a
 * port directly. A ReplayPort is always present: it answers Run whenever no model is ready.
 */
import type { Trace } from '../agent/types';
import { idbKeyValue, restoreAutosave, startAutosave, type KeyValue } from '../store/autosave';
import type { AppStore } from '../store/store';
import { serializeTrace, toDeepEyesJsonl } from '../store/trace-io';
import { readTraceFile } from './replay/read-trace-file';
import { downloadBlob, traceFileStem } from '../ui/export/download';
import { drawTraceStrip } from '../ui/export/strip-draw';
import { decodeImageBlob, type DecodedImage } from '../ui/input/decode';
import { toErrorInfo } from '../base/errors';
import { detectGpu } from './detect-gpu';
import type { ModelPort, PortEvent } from './model-port';
import { ReplayPort } from './replay/replay-port';
import { createEvalImport } from './replay/eval-import';
import type { UiActions } from '../ui/actions';
import type { ModelSource } from '../delivery/model-source';
import { compareStore } from '../store/compare-store';
import { loadSample, SAMPLES } from './samples/load-sample';
import { readLastModel, rememberLastModel, reloadLastModelEnabled } from '../delivery/last-model';

/** The UI's intents (UiActions) plus the lifecycle the app drives. */
export interface Controller extends UiActions {
  /** Routes port events into the store and starts autosave (idempotent). */
  connect(): void;
  /** connect(); the first call also detects the GPU and restores the last trace (or opens a sample). */
  start(): Promise<void>;
  /** Disconnects what start connected; start may be called again. */
  dispose(): void;
  /** Shows a run recorded in this browser (the kiosk's loop), as a restore: not saved again. */
  showRecorded(trace: Trace): void;
}

function inputFrom(decoded: DecodedImage, name: string) {
  return {
    rgb: decoded.rgb,
    drawable: decoded.bitmap,
    name,
    sourceWidth: decoded.sourceWidth,
    sourceHeight: decoded.sourceHeight,
    format: decoded.format,
    notices: decoded.notices,
  };
}

export function createController(
  store: AppStore,
  modelPort: ModelPort | null,
  replay = new ReplayPort(),
  /** Where the last trace is kept (IndexedDB in the browser). */
  autosaveKv: KeyValue = idbKeyValue,
): Controller {
  const s = () => store.getState();
  let activePort: ModelPort | null = null;
  /** How each model loaded in this tab was loaded, so "run on the other model" can load it again. */
  const loadedWith = new Map<string, { source: ModelSource; backend?: 'webgpu' | 'wasm' }>();

  function onPortEvent(e: PortEvent): void {
    const st = s();
    switch (e.kind) {
      case 'agent':
        st.applyEvent(e.event);
        break;
      case 'models':
        st.setModels(e.models);
        break;
      case 'model_status':
        st.setCacheStatus(e.modelId, e.cache, e.error);
        break;
      case 'file_progress':
        st.setFileProgress(e.modelId, e.file, e.loadedBytes, e.totalBytes);
        break;
      case 'model_ready': {
        // A model from a URL or a folder is not in the catalog: list it so the picker shows it.
        const known = st.models.find((m) => m.id === e.modelId);
        if (!known) {
          st.upsertModel({
            id: e.modelId,
            label: e.label ?? e.modelId,
            sizeBytes: 0,
            needs: { webgpu: e.backend === 'webgpu', shaderF16: false, memoryBytes: 0 },
            cache: 'ready',
            files: [],
          });
        }
        st.setCacheStatus(e.modelId, 'ready');
        st.setActiveModel(e.modelId, e.backend);
        if (e.adapter) st.setGpu({ ...st.gpu, adapter: e.adapter });
        break;
      }
      case 'model_unloaded':
        st.setActiveModel(null, 'replay');
        break;
      case 'gpu':
        st.setGpu(e.gpu);
        break;
      case 'error':
        st.setRunError(e.error);
        break;
      case 'notice':
        st.addNotice({ code: e.code, message: e.message });
        break;
    }
  }

  let unsubs: (() => void)[] = [];
  // Startup work that must happen once even when React mounts twice (StrictMode).
  let initialLoad: Promise<void> | null = null;

  function showTrace(trace: Trace, source: 'import' | 'restore' | 'sample'): void {
    s().loadTrace(trace, source);
    s().setQuestion(trace.question);
    s().setOptions(trace.options ?? []);
    replay.setTrace(trace);
  }

  /** The last run's port call, until it settles. */
  let settling: Promise<void> | null = null;

  async function runWith(port: ModelPort, request: Parameters<ModelPort['run']>[0]): Promise<void> {
    s().setRunError(null);
    s().setRunStatus('loading');
    // The UI goes idle on a run's last event; the port settles a moment later (the worker's
    // answer). A Run pressed in between waits for it instead of being refused as busy.
    const previous = settling;
    if (previous) await previous;
    const run = runOn(port, request);
    settling = run;
    await run;
    if (settling === run) settling = null;
  }

  async function runOn(port: ModelPort, request: Parameters<ModelPort['run']>[0]): Promise<void> {
    activePort = port;
    try {
      await port.run(request);
    } catch (e) {
      const info = toErrorInfo(e, 'run_failed');
      // Stopped before it started (the model was still loading again): what the user asked for.
      if (info.code === 'cancelled') s().addNotice({ code: 'run-stopped', message: info.message });
      else s().setRunError(info);
    } finally {
      if (activePort === port) activePort = null;
      if (s().runStatus !== 'idle') s().setRunStatus('idle');
    }
  }

  function connect(): void {
    unsubs.forEach((u) => u());
    unsubs = [
      replay.subscribe(onPortEvent),
      // A run that could not be kept for the next visit is said so, with the way out.
      startAutosave(store, autosaveKv, (e) =>
        s().addNotice({
          code: 'autosave-failed',
          message: `This run was not saved for your next visit (${e.message}). Export it as JSON to keep it.`,
        }),
      ),
    ];
    if (modelPort) unsubs.push(modelPort.subscribe(onPortEvent));
  }

  /**
   * A new picture, sample or trace while a run is going would replace what the run is writing
   * (its trace would come back later beside the new picture and be autosaved so): refused, with
   * a notice, until the run ends.
   */
  function refusedMidRun(what: string): boolean {
    if (s().runStatus === 'idle') return false;
    s().addNotice({
      code: 'busy-input',
      message: `A run is in progress: stop it (or wait for it to end) before opening ${what}.`,
    });
    return true;
  }

  const evalImport = createEvalImport({
    show: (trace) => {
      s().setInputImage(null);
      showTrace(trace, 'import');
    },
    refusedMidRun: () => refusedMidRun('an eval record'),
  });

  async function openSample(id: string): Promise<void> {
    const entry = SAMPLES.find((x) => x.id === id);
    if (!entry || refusedMidRun('a sample')) return;
    try {
      const { decoded, trace } = await loadSample(entry);
      s().setInputImage(inputFrom(decoded, entry.title));
      s().setQuestion(entry.question);
      s().setOptions(entry.options ?? []);
      if (trace) showTrace(trace, 'sample');
      else replay.setTrace(null);
    } catch (e) {
      s().setInputError({ code: 'sample', message: (e as Error).message, retryable: true });
    }
  }

  /**
   * The model loaded before the page was reloaded, loaded again (from OPFS: delivery only
   * re-reads the small manifest), with the header's usual progress. A failure is a notice, not a
   * run error: the user did not ask for this load.
   */
  async function reloadLastModel(): Promise<void> {
    const last = reloadLastModelEnabled() ? readLastModel() : null;
    if (!last || !modelPort || s().activeModelId !== null) return;
    if (last.source.kind === 'catalog') s().setCacheStatus(last.source.id, 'loading');
    try {
      await modelPort.loadModel(last.source, last.backend);
      const id = s().activeModelId;
      if (id) {
        loadedWith.set(id, { source: last.source, backend: last.backend });
        s().noteLoaded(id);
      }
    } catch (e) {
      const err = toErrorInfo(e, 'load_failed');
      if (last.source.kind === 'catalog') s().setCacheStatus(last.source.id, 'error', err.message);
      s().addNotice({
        code: 'reload-last-failed',
        message: `The last model was not loaded again (${err.message}). Pick it in the model menu to try again, or turn this off in Settings.`,
      });
    }
  }

  async function loadModel(source: ModelSource, backend?: 'webgpu' | 'wasm'): Promise<void> {
    if (!modelPort) {
      s().setRunError({
        code: 'no_engine',
        message: 'This build has no model engine connected; it can only replay recorded traces.',
        retryable: false,
      });
      return;
    }
    s().setRunError(null);
    if (source.kind === 'catalog') s().setCacheStatus(source.id, 'loading');
    try {
      await modelPort.loadModel(source, backend);
      rememberLastModel(source, backend ?? 'webgpu');
      const id = s().activeModelId;
      if (id) {
        loadedWith.set(id, { source, backend });
        s().noteLoaded(id);
      }
    } catch (e) {
      const err = toErrorInfo(e, 'load_failed');
      if (source.kind === 'catalog') s().setCacheStatus(source.id, 'error', err.message);
      s().setRunError(err);
    }
  }

  return {
    openSample,

    showRecorded(trace) {
      if (refusedMidRun('a recorded run')) return;
      s().setInputImage(null);
      showTrace(trace, 'restore');
    },

    async run() {
      const st = s();
      if (st.runStatus !== 'idle') return;
      const modelReady = modelPort !== null && st.activeModelId !== null && st.runner !== 'replay';
      const image = st.inputImage;
      const question = st.question.trim();
      const options = st.options.map((o) => o.trim()).filter(Boolean);
      if (modelReady && modelPort) {
        if (!image)
          return st.setRunError({
            code: 'no_image',
            message: 'Drop, paste or pick a picture first.',
            retryable: false,
          });
        if (!question)
          return st.setRunError({
            code: 'no_question',
            message: 'Type a question about the picture first.',
            retryable: false,
          });
        st.setRanWith(st.activeModelId);
        return runWith(modelPort, {
          image: image.rgb,
          question,
          options: options.length ? options : undefined,
          settings: st.settings,
        });
      }
      // No model: Run replays whatever finished trace is on screen (sample, import, restore).
      const recorded = st.trace?.final;
      if (recorded) {
        replay.setTrace(recorded);
        return runWith(replay, {
          image: image?.rgb ?? { width: 0, height: 0, data: new Uint8Array() },
          question,
          settings: st.settings,
        });
      }
      st.setRunError({
        code: 'no_model',
        message:
          'No model is loaded: open the model menu to load one and ask about this picture, or pick a sample to watch a replay of an illustrative run.',
        retryable: false,
      });
    },

    async runOnModel(modelId) {
      const st = s();
      const before = st.trace?.final;
      const image = st.inputImage;
      const how = loadedWith.get(modelId);
      if (!modelPort || !before || !image || !how || st.runStatus !== 'idle') return;
      if (st.activeModelId !== modelId) {
        await loadModel(how.source, how.backend);
        if (s().activeModelId !== modelId) return;
      }
      s().setRanWith(modelId);
      s().setQuestion(before.question);
      s().setOptions(before.options ?? []);
      // The first run's own question, options and settings: the same task for both models.
      await runWith(modelPort, {
        image: image.rgb,
        question: before.question,
        options: before.options,
        settings: before.settings,
      });
      const after = s().trace?.final;
      if (after && after !== before) compareStore.getState().setOther(before);
    },

    async resume() {
      const st = s();
      const interrupted = st.trace?.final;
      const image = st.inputImage;
      if (!modelPort || st.runStatus !== 'idle' || !interrupted || !image) return;
      return runWith(modelPort, {
        image: image.rgb,
        question: interrupted.question,
        options: interrupted.options,
        settings: interrupted.settings,
        resumeFrom: interrupted,
      });
    },

    async useSaferPath() {
      if (!modelPort?.loadSaferPath || s().runStatus !== 'idle') return;
      try {
        const path = await modelPort.loadSaferPath();
        if (path) {
          s().setRunError(null);
          s().addNotice({
            code: 'safer-path',
            message: `Model reloaded as ${path}. Press Run to try again.`,
          });
        } else {
          s().setRunError({
            code: 'no_safer_path',
            message: 'This model already runs on the safest path (fp32 activations on WASM).',
            retryable: false,
          });
        }
      } catch (e) {
        s().setRunError(toErrorInfo(e, 'load_failed'));
      }
    },

    stop() {
      if (!activePort) return;
      s().setRunStatus('stopping');
      activePort.stop();
    },

    loadModel,

    async openImage(blob, name) {
      if (refusedMidRun('another picture')) return;
      // The question on screen belongs to the sample or trace being replaced, unless the user
      // types another while the picture decodes (a big photo takes seconds): that one is kept.
      const replaced = s().traceSource !== null && s().traceSource !== 'live' ? s().question : undefined;
      try {
        const decoded = await decodeImageBlob(blob, name);
        // A run may have started while the picture was decoding.
        if (refusedMidRun('another picture')) return;
        s().setInputImage(inputFrom(decoded, name));
        if (replaced !== undefined && s().question === replaced) {
          s().setQuestion('');
          s().setOptions([]);
        }
        replay.setTrace(null);
      } catch (e) {
        s().setInputError(toErrorInfo(e, 'undecodable'));
      }
    },

    async importTrace(file) {
      if (refusedMidRun('a trace')) return;
      try {
        const trace = await readTraceFile(file);
        if (refusedMidRun('a trace')) return;
        s().setInputImage(null);
        showTrace(trace, 'import');
      } catch (e) {
        s().setInputError({ code: 'bad_trace', message: (e as Error).message, retryable: false });
      }
    },

    importEvalFiles: (files) => evalImport.importFiles(files),
    chooseEvalRecord: (pos) => evalImport.choose(pos),
    giveEvalPicture: (file) => evalImport.givePicture(file),
    closeEvalImport: () => evalImport.close(),

    exportJson() {
      const t = s().trace?.final;
      if (!t) return;
      let text: string;
      try {
        // Validates too (limits included): a file the importer would refuse is not written.
        text = serializeTrace(t);
      } catch (e) {
        s().addNotice({
          code: 'export-failed',
          message: `This trace could not be exported as JSON (${toErrorInfo(e).message}). Export it as JSONL or as a PNG strip instead.`,
        });
        return;
      }
      downloadBlob(
        new Blob([text], { type: 'application/json' }),
        `${traceFileStem(t.createdAt, t.question)}.json`,
      );
    },

    exportJsonl() {
      const t = s().trace?.final;
      if (t)
        downloadBlob(
          new Blob([toDeepEyesJsonl(t)], { type: 'application/jsonl' }),
          `${traceFileStem(t.createdAt, t.question)}.jsonl`,
        );
    },

    async exportPng() {
      const t = s().trace?.final;
      if (!t) return;
      try {
        downloadBlob(await drawTraceStrip(t), `${traceFileStem(t.createdAt, t.question)}.png`);
      } catch (e) {
        s().setRunError({
          code: 'export_png',
          message: `Could not draw the PNG strip: ${(e as Error).message}`,
          retryable: true,
        });
      }
    },

    connect,

    start() {
      connect();
      initialLoad ??= (async () => {
        void detectGpu().then((gpu) => s().setGpu(gpu));
        let restored = false;
        try {
          restored = await restoreAutosave(store, autosaveKv);
        } catch {
          // IndexedDB can be unavailable (private windows); the page works without autosave.
        }
        const t = s().trace?.final;
        if (restored && t) {
          s().setQuestion(t.question);
          s().setOptions(t.options ?? []);
          replay.setTrace(t);
        } else if (!s().inputImage && !s().trace) {
          await openSample(SAMPLES[0].id);
        }
        void reloadLastModel();
      })();
      return initialLoad;
    },

    dispose() {
      replay.stop();
      unsubs.forEach((u) => u());
      unsubs = [];
    },
  };
}
