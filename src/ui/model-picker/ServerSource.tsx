/**
 * The "Server" model source: base URL, model name and an optional API key for an OpenAI-compatible
 * chat server (vLLM, SGLang, `npm run serve`). Remembered in this browser's localStorage; the key
 * is only ever sent to that base URL. Loading it is a health check (GET /v1/models).
 */
import { useState } from 'react';
import { useActions } from '../actions';
import { useAppStore } from '../../store/store';

const KEY = 'deepeyes.server';

interface Saved {
  baseUrl: string;
  model: string;
  apiKey: string;
}

function load(): Saved {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
    return { baseUrl: v.baseUrl ?? '', model: v.model ?? '', apiKey: v.apiKey ?? '' };
  } catch {
    return { baseUrl: '', model: '', apiKey: '' };
  }
}

export function ServerSource() {
  const actions = useActions();
  const busy = useAppStore((s) => s.runStatus !== 'idle');
  const [v, setV] = useState<Saved>(load);
  const set = (k: keyof Saved) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const ready = v.baseUrl.trim() !== '' && v.model.trim() !== '';
  return (
    <form
      className="model-url"
      data-testid="server-source"
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        const saved = { baseUrl: v.baseUrl.trim(), model: v.model.trim(), apiKey: v.apiKey };
        localStorage.setItem(KEY, JSON.stringify(saved));
        void actions.loadModel({
          kind: 'server',
          baseUrl: saved.baseUrl,
          model: saved.model,
          ...(saved.apiKey ? { apiKey: saved.apiKey } : {}),
        });
      }}
    >
      <span className="field-label">From a server (vLLM, SGLang, npm run serve)</span>
      <div className="model-url__row">
        <input
          aria-label="Server base URL"
          data-testid="server-url"
          value={v.baseUrl}
          onChange={set('baseUrl')}
          placeholder="http://127.0.0.1:8000/v1"
        />
        <input
          aria-label="Model name"
          data-testid="server-model"
          value={v.model}
          onChange={set('model')}
          placeholder="deepeyes"
        />
      </div>
      <div className="model-url__row">
        <input
          aria-label="API key (optional)"
          data-testid="server-key"
          type="password"
          autoComplete="off"
          value={v.apiKey}
          onChange={set('apiKey')}
          placeholder="API key (optional)"
        />
        <button type="submit" className="button" data-testid="server-connect" disabled={!ready || busy}>
          Connect
        </button>
      </div>
      <p className="muted">
        A browser page may only call a server that allows its origin: start vLLM with{' '}
        <code>--allowed-origins &apos;[&quot;{location.origin}&quot;]&apos;</code>, or{' '}
        <code>npm run serve -- &lt;model&gt; --cors {location.origin}</code>.
      </p>
    </form>
  );
}
