/**
 * Import a trace file; export the shown trace as JSON, DeepEyes JSONL, a PNG strip or an animated
 * GIF for slides.
 */
import { useRef, useState } from 'react';
import { useAppStore } from '../../store/store';
import { appStore } from '../../store/store';
import { useActions } from '../actions';
import { downloadBlob, traceFileStem } from './download';
import { drawTraceGif } from './gif-draw';
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

export function ExportMenu() {
  const hasFinal = useAppStore((s) => s.trace?.final != null);
  const busy = useAppStore((s) => s.runStatus !== 'idle');
  const actions = useActions();
  const fileRef = useRef<HTMLInputElement | null>(null);
  const [drawing, setDrawing] = useState(false);
  const [gifDrawing, setGifDrawing] = useState(false);
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
    </div>
  );
}
