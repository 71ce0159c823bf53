/** Top bar: title, the model slot, run status, import/export, settings, presentation mode. */
import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../store/store';
import { ExportMenu } from './export/ExportMenu';
import { ModelButton, ModelPanel } from './model-picker/ModelPicker';
import { SettingsPanel } from './settings/SettingsPanel';
import './Header.css';

function StatusPill() {
  const status = useAppStore((s) => s.runStatus);
  const source = useAppStore((s) => s.traceSource);
  const hasModel = useAppStore((s) => s.activeModelId !== null);
  const text =
    status === 'loading'
      ? 'Starting…'
      : status === 'running'
        ? source === 'live' && hasModel
          ? 'Running'
          : 'Replaying'
        : status === 'stopping'
          ? 'Stopping…'
          : hasModel
            ? 'Ready'
            : 'Replay mode';
  return (
    <span className={`status-pill status-pill--${status}`} data-testid="run-status" data-status={status}>
      {status === 'running' && <span className="pulse" aria-hidden="true" />}
      {text}
    </span>
  );
}

type PanelName = 'model' | 'settings' | null;

export function Header() {
  const [panel, setPanel] = useState<PanelName>(null);
  const presentation = useAppStore((s) => s.presentation);
  const toggle = useAppStore((s) => s.togglePresentation);
  const ref = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (!panel) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setPanel(null);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setPanel(null);
    };
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [panel]);

  const flip = (p: Exclude<PanelName, null>) => setPanel((cur) => (cur === p ? null : p));

  return (
    <header className="app-header" ref={ref}>
      <h1 className="brand">
        <span className="brand__eye" aria-hidden="true">
          ◉
        </span>
        DeepEyes <span className="brand__sub">thinking with images, in your browser</span>
      </h1>
      <ModelButton open={panel === 'model'} onToggle={() => flip('model')} />
      <StatusPill />
      <span className="spacer" />
      <ExportMenu />
      <button
        type="button"
        className="button button--ghost"
        data-testid="settings-button"
        onClick={() => flip('settings')}
        aria-expanded={panel === 'settings'}
      >
        Settings
      </button>
      <button
        type="button"
        className={`button button--ghost${presentation ? ' is-on' : ''}`}
        data-testid="presentation-toggle"
        onClick={toggle}
        aria-pressed={presentation}
        title="Presentation mode: large type (P)"
      >
        Present
      </button>
      {panel === 'model' && <ModelPanel onClose={() => setPanel(null)} />}
      {panel === 'settings' && <SettingsPanel onClose={() => setPanel(null)} />}
    </header>
  );
}
