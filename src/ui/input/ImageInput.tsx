/**
 * Getting a picture in: drop onto the canvas panel, paste anywhere, or pick a file; plus the
 * bundled samples. Refusals (format, size, truncation) show here with their advice.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useAppStore } from '../../store/store';
import { useActions } from '../actions';
import './ImageInput.css';
import { HiddenFileInput } from './HiddenFileInput';

export interface SampleChip {
  id: string;
  title: string;
}

function firstImageFile(list: DataTransferItemList | FileList | null | undefined): File | null {
  if (!list) return null;
  for (const item of Array.from(list as ArrayLike<DataTransferItem | File>)) {
    const f = item instanceof File ? item : item.kind === 'file' ? item.getAsFile() : null;
    if (f) return f;
  }
  return null;
}

export function DropZone({ children }: { children: ReactNode }) {
  const actions = useActions();
  const [over, setOver] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const target = e.target as HTMLElement | null;
      const f = firstImageFile(e.clipboardData?.files) ?? firstImageFile(e.clipboardData?.items);
      // Text pasted into a field stays text; an image pasted anywhere becomes the picture.
      if (!f) return;
      if (
        target &&
        (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA') &&
        !f.type.startsWith('image/')
      )
        return;
      e.preventDefault();
      void actions.openImage(f, f.name || 'pasted image');
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [actions]);

  return (
    <section
      className={`canvas-panel${over ? ' is-drop-target' : ''}`}
      data-testid="drop-zone"
      aria-label="Picture: drop, paste or open an image"
      onDragEnter={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        const files = Array.from(e.dataTransfer.files);
        // An eval JSONL dropped with its pictures: the record viewer, not a new picture.
        if (files.some((x) => /\.jsonl$/i.test(x.name))) return void actions.importEvalFiles(files);
        const f = firstImageFile(e.dataTransfer.files);
        if (f) void actions.openImage(f, f.name);
      }}
    >
      {children}
      {over && <div className="drop-overlay">Drop the picture to ask about it</div>}
    </section>
  );
}

export function InputBar({ samples }: { samples: readonly SampleChip[] }) {
  const actions = useActions();
  const busy = useAppStore((s) => s.runStatus !== 'idle');
  const inputName = useAppStore((s) => s.inputImage?.name ?? null);
  const traceSource = useAppStore((s) => s.traceSource);
  const fileRef = useRef<HTMLInputElement | null>(null);
  return (
    <div className="input-bar">
      <button
        type="button"
        className="button button--ghost"
        onClick={() => fileRef.current?.click()}
        disabled={busy}
        data-testid="open-image"
      >
        Open picture…
      </button>
      <HiddenFileInput
        inputRef={fileRef}
        accept="image/*,.heic,.heif,.avif"
        testId="image-file-input"
        onFile={(f) => void actions.openImage(f, f.name)}
      />
      <span className="input-bar__label">Samples</span>
      {samples.map((s) => (
        <button
          key={s.id}
          type="button"
          className={`chip${inputName === s.title ? ' is-on' : ''}`}
          disabled={busy}
          onClick={() => void actions.openSample(s.id)}
          data-testid={`sample-${s.id}`}
        >
          {s.title}
        </button>
      ))}
      {traceSource === 'import' && <span className="chip chip--info">imported trace</span>}
      {traceSource === 'restore' && <span className="chip chip--info">restored from last visit</span>}
    </div>
  );
}

export function InputNotices() {
  const notices = useAppStore((s) => s.inputImage?.notices ?? null);
  const error = useAppStore((s) => s.inputError);
  const clear = useAppStore((s) => s.setInputError);
  const hasPicture = useAppStore((s) => s.inputImage !== null || s.trace !== null);
  return (
    <div className="input-notices">
      {error && (
        <div className="notice notice--error" role="alert" data-testid="input-error" data-code={error.code}>
          <span>{error.message}</span>
          <button type="button" className="icon-button" onClick={() => clear(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {notices?.map((n) => (
        <div key={n} className="notice" data-testid="input-notice">
          {n}
        </div>
      ))}
      {!hasPicture && !error && (
        <div className="canvas-empty">Drop a picture here, paste one (Ctrl+V), or open a file.</div>
      )}
    </div>
  );
}
