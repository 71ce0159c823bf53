/**
 * Import a trace file; export the shown trace as JSON, DeepEyes JSONL, a PNG strip, or an
 * animation for slides (WebM, or GIF; the WebM falls back to the GIF, said so, where the browser
 * cannot encode video).
 */
import { useRef, useState } from 'react';
import { useAppStore } from '../../store/store';
import { appStore } from '../../store/store';
import { useActions } from '../actions';
import { downloadBlob, traceFileStem } from './download';
import { drawTraceGif } from './gif-draw';
import { drawTraceWebm } from './webm-draw';
import { HiddenFileInput } from '../input/HiddenFileInput';

async function exportGif(): Promise<void> {
  const t = appStore.getState().trace?.final;
  if (!t) return;
  try {
    downloadBlob(await drawTraceGif(t), `${traceFileStem(t.createdAt, t.question)}.gif`);
  } catch (e) {
    appStore.getState().setRunError({
      code: 'export_gif',
      message: `Could not draw the GIF: ${(e as Error).message}`,
      retryable: true,
    });
  }
}

async function exportWebm(): Promise<void> {
  const st = appStore.getState();
  const t = st.trace?.final;
  if (!t) return;
  try {
    const video = await drawTraceWebm(t);
    if (video) {
      downloadBlob(video.blob, `${traceFileStem(t.createdAt, t.question)}.webm`);
      return;
    }
    st.addNotice({
      code: 'webm-unsupported',
      message:
        'This browser cannot encode video (no WebCodecs VP9/VP8 encoder), so the run was saved as an animated GIF instead (same frames, 960×540).',
    });
  } catch (e) {
    st.addNotice({
      code: 'webm-failed',
      message: `The video could not be encoded (${(e as Error).message}), so the run was saved as an animated GIF instead.`,
    });
  }
  await exportGif();
}

export function ExportMenu() {
  const hasFinal = useAppStore((s) => s.trace?.final != null);
  const busy = useAppStore((s) => s.runStatus !== 'idle');
  const actions = useActions();
  const fileRef = useRef<HTMLInputElement | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [gifDrawing, setGifDrawing] = useState(false);
  const [webmDrawing, setWebmDrawing] = useState(false);
  const canExport = hasFinal && !busy;

  return (
    <div className="button-group" role="group" aria-label="Import and export">
      <button
        type="button"
        className="button button--ghost"
        data-testid="import-trace"
        onClick={() => fileRef.current?.click()}
        disabled={busy}
        title="Open a trace (.json) exported from this page"
      >
        Import
      </button>
      <HiddenFileInput
        inputRef={fileRef}
        accept=".json,application/json"
        testId="import-trace-input"
        onFile={(f) => void actions.importTrace(f)}
      />
      <button
        type="button"
        className="button button--ghost"
        data-testid="export-json"
        onClick={() => actions.exportJson()}
        disabled={!canExport}
        title="The trace as JSON (re-importable)"
      >
        JSON
      </button>
      <button
        type="button"
        className="button button--ghost"
        data-testid="export-jsonl"
        onClick={() => actions.exportJsonl()}
        disabled={!canExport}
        title="DeepEyes JSONL"
      >
        JSONL
      </button>
      <button
        type="button"
        className="button button--ghost"
        data-testid="export-png"
        disabled={!canExport || drawing}
        title="A PNG strip of the steps, for slides"
        onClick={() => {
          setDrawing(true);
          void actions.exportPng().finally(() => setDrawing(false));
        }}
      >
        {drawing ? 'PNG…' : 'PNG'}
      </button>
      <button
        type="button"
        className="button button--ghost"
        data-testid="export-gif"
        disabled={!canExport || gifDrawing}
        title="An animated GIF of the run (960×540, a frame per step), for slides"
        onClick={() => {
          setGifDrawing(true);
          void exportGif().finally(() => setGifDrawing(false));
        }}
      >
        {gifDrawing ? 'GIF…' : 'GIF'}
      </button>
      <button
        type="button"
        className="button button--ghost"
        data-testid="export-webm"
        disabled={!canExport || webmDrawing}
        title="A video of the run (WebM, 1280×720, a few seconds per step), for slides"
        onClick={() => {
          setWebmDrawing(true);
          void exportWebm().finally(() => setWebmDrawing(false));
        }}
      >
        {webmDrawing ? 'WebM…' : 'WebM'}
      </button>
    </div>
  );
}
