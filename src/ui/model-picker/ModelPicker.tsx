/**
 * Choose and load a model: catalog entries with their size, needs and cache state, per-file
 * download bars, a URL field and a local folder. Without WebGPU it says so plainly and offers
 * the WASM path or the recorded runs. It only dispatches intents.
 */
import { useState } from 'react';
import { readHubSettings, writeHubSettings, type HubSettings } from '../../base/hub-settings';
import { formatBytes, modelProgress, unmetNeeds, type ModelEntry } from '../../store/models';
import { useAppStore } from '../../store/store';
import { useActions } from '../actions';
import './ModelPicker.css';
import { ServerSource } from './ServerSource';

const CACHE_LABEL: Record<ModelEntry['cache'], string> = {
  unknown: '',
  absent: 'not downloaded',
  partial: 'partly downloaded',
  cached: 'downloaded',
  downloading: 'downloading…',
  loading: 'loading…',
  ready: 'ready',
  error: 'failed',
};

function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value * 100)}
    >
      <div className="progress__fill" style={{ width: `${Math.min(100, value * 100).toFixed(1)}%` }} />
    </div>
  );
}

function ModelRow({ m }: { m: ModelEntry }) {
  const gpu = useAppStore((s) => s.gpu);
  const busy = useAppStore(
    (s) => s.runStatus !== 'idle' || s.models.some((x) => x.cache === 'downloading' || x.cache === 'loading'),
  );
  const active = useAppStore((s) => s.activeModelId === m.id);
  const chosen = useAppStore((s) => s.chosenModelId === m.id);
  const actions = useActions();
  const unmet = unmetNeeds(m, gpu);
  const progress = modelProgress(m);
  const inFlight = m.cache === 'downloading' || m.cache === 'loading';
  return (
    <li
      className={`model-row${active ? ' is-active' : ''}${chosen ? ' is-chosen' : ''}`}
      data-testid={`model-entry-${m.id}`}
      data-cache={m.cache}
      data-chosen={chosen || undefined}
    >
      <div className="model-row__main">
        <div className="model-row__title">
          <strong>{m.label}</strong>
          <span className="muted">{formatBytes(m.sizeBytes)}</span>
          {m.cache !== 'unknown' && <span className={`badge badge--${m.cache}`}>{CACHE_LABEL[m.cache]}</span>}
          {chosen && <span className="badge badge--chosen">the shared link's model</span>}
        </div>
        <div className="model-row__needs">
          {m.needs.webgpu && <span className="badge">WebGPU</span>}
          {m.needs.shaderF16 && <span className="badge">shader-f16</span>}
          {m.needs.memoryBytes > 0 && (
            <span className="badge">~{formatBytes(m.needs.memoryBytes)} GPU memory</span>
          )}
          {unmet.map((u) => (
            <span key={u} className="badge badge--warn">
              {u}
            </span>
          ))}
        </div>
        {m.note && <p className="muted model-row__note">{m.note}</p>}
        {m.error && <p className="notice notice--error">{m.error}</p>}
        {(inFlight || m.cache === 'partial') && progress !== null && (
          <div className="model-row__files">
            <ProgressBar value={progress} label={`${m.label} download`} />
            {m.files.map((f) => (
              <div key={f.file} className="file-progress">
                <span className="file-progress__name">{f.file}</span>
                <ProgressBar value={f.totalBytes > 0 ? f.loadedBytes / f.totalBytes : 0} label={f.file} />
                <span className="muted">
                  {formatBytes(f.loadedBytes)} / {formatBytes(f.totalBytes)}
                </span>
              </div>
            ))}
          </div>
        )}
      </div>
      <button
        type="button"
        className="button"
        disabled={busy || active || unmet.length > 0}
        onClick={() =>
          // WebGPU wherever the browser has it; a model that does not need it can still use WASM.
          void actions.loadModel(
            { kind: 'catalog', id: m.id },
            gpu.webgpu === 'available' ? 'webgpu' : 'wasm',
          )
        }
        data-testid={`load-model-${m.id}`}
      >
        {active
          ? 'Loaded'
          : m.cache === 'cached'
            ? 'Load'
            : m.source?.startsWith('hf:')
              ? 'Convert'
              : 'Download'}
      </button>
    </li>
  );
}

/** The hub endpoint (a mirror) and a token for gated or private repos, kept in this browser. */
function HubSettingsFields() {
  const [hub, setHub] = useState(() => readHubSettings());
  const update = (next: HubSettings) => {
    setHub(next);
    writeHubSettings(next);
  };
  return (
    <details className="model-hub-settings">
      <summary>Hugging Face endpoint and token</summary>
      <label className="field-label" htmlFor="hub-endpoint">
        Endpoint (empty: https://huggingface.co)
      </label>
      <input
        id="hub-endpoint"
        data-testid="hub-endpoint"
        value={hub.endpoint}
        onChange={(e) => update({ ...hub, endpoint: e.target.value })}
        placeholder="https://huggingface.co"
      />
      <label className="field-label" htmlFor="hub-token">
        Token for gated or private repos (sent to that endpoint only)
      </label>
      <input
        id="hub-token"
        data-testid="hub-token"
        type="password"
        autoComplete="off"
        value={hub.token}
        onChange={(e) => update({ ...hub, token: e.target.value })}
        placeholder="hf_…"
      />
    </details>
  );
}

function NoWebGpu({ reason }: { reason?: string }) {
  const actions = useActions();
  return (
    <div className="no-webgpu" data-testid="no-webgpu">
      <h3>WebGPU is not available here</h3>
      <p>{reason ?? 'This browser did not offer a WebGPU adapter.'}</p>
      <p>DeepEyes-7B needs a GPU through WebGPU. You can still:</p>
      <ul>
        <li>
          <button type="button" className="link-button" onClick={() => void actions.openSample('ladybird')}>
            Watch a sample replay
          </button>{' '}
          of the samples (press Replay), or import a trace file.
        </li>
        <li>Load a small model on the CPU (WASM) below: slow, for trying the pipeline, not for 7B.</li>
        <li>Open this page in Chrome or Edge 113+ on a machine with a recent GPU.</li>
      </ul>
    </div>
  );
}

export function ModelPanel({ onClose }: { onClose(): void }) {
  const models = useAppStore((s) => s.models);
  const gpu = useAppStore((s) => s.gpu);
  const actions = useActions();
  const [url, setUrl] = useState('');
  const backend = gpu.webgpu === 'available' ? 'webgpu' : 'wasm';
  return (
    <div className="popover model-panel" role="dialog" aria-label="Models" data-testid="model-panel">
      <header className="popover__head">
        <h2>Model</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {gpu.webgpu === 'missing' && <NoWebGpu reason={gpu.reason} />}
      {models.length === 0 ? (
        <p className="muted">No models are listed yet.</p>
      ) : (
        <ul className="model-list">
          {models.map((m) => (
            <ModelRow key={m.id} m={m} />
          ))}
        </ul>
      )}
      <form
        className="model-url"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) void actions.loadModel({ kind: 'url', url: url.trim() }, backend);
        }}
      >
        <label className="field-label" htmlFor="model-url">
          Paste a Hugging Face repo id (converted here if it holds safetensors) or a URL
        </label>
        <div className="model-url__row">
          <input
            id="model-url"
            data-testid="model-url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="ChenShawn/DeepEyes-7B, org/model-onnx or https://…/model/"
          />
          <button type="submit" className="button" disabled={!url.trim()}>
            Load
          </button>
        </div>
      </form>
      <ServerSource />
      <HubSettingsFields />
      <label className="button button--ghost model-folder">
        Open a local folder…
        <input
          type="file"
          hidden
          data-testid="model-folder"
          // Chromium and WebKit support directory picking through this non-standard attribute.
          {...{ webkitdirectory: '', directory: '' }}
          multiple
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length) void actions.loadModel({ kind: 'files', files }, backend);
          }}
        />
      </label>
    </div>
  );
}

/** The header button: the loaded model (or its download progress), opening the panel. */
export function ModelButton({ open, onToggle }: { open: boolean; onToggle(): void }) {
  const label = useAppStore((s) => s.models.find((m) => m.id === s.activeModelId)?.label ?? null);
  const loading = useAppStore(
    (s) => s.models.find((m) => m.cache === 'downloading' || m.cache === 'loading') ?? null,
  );
  const gpuMissing = useAppStore((s) => s.gpu.webgpu === 'missing');
  const progress = loading ? modelProgress(loading) : null;
  return (
    <button
      type="button"
      className={`model-button${open ? ' is-open' : ''}`}
      data-testid="model-picker"
      onClick={onToggle}
      aria-expanded={open}
    >
      <span className="model-button__kicker">Model</span>
      <span className="model-button__name">
        {loading
          ? `${loading.label} ${progress !== null ? Math.round(progress * 100) + '%' : '…'}`
          : (label ?? 'none · replay only')}
      </span>
      {gpuMissing && <span className="badge badge--warn">no WebGPU</span>}
      <span aria-hidden="true">▾</span>
    </button>
  );
}
