/** Agent settings: crop budget, tokens per turn, greedy or sampled decoding, the rotate tool. */
import { useAppStore } from '../../store/store';
import { SETTINGS_BOUNDS } from '../../store/settings';
import { DEFAULT_SETTINGS } from '../../agent/types';
import { reloadLastModelEnabled, setReloadLastModel } from '../../delivery/last-model';
import { useState } from 'react';
import './SettingsPanel.css';

export function SettingsPanel({ onClose }: { onClose(): void }) {
  const settings = useAppStore((s) => s.settings);
  const update = useAppStore((s) => s.updateSettings);
  const reset = useAppStore((s) => s.resetSettings);
  const busy = useAppStore((s) => s.runStatus !== 'idle');
  const sampling = settings.sampling;
  const num = (v: string) => (v === '' ? NaN : Number(v));
  const [reloadLast, setReloadLast] = useState(reloadLastModelEnabled);

  return (
    <div className="popover settings-panel" role="dialog" aria-label="Settings" data-testid="settings-panel">
      <header className="popover__head">
        <h2>Settings</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close settings">
          ×
        </button>
      </header>
      <fieldset disabled={busy}>
        <label className="setting">
          <span>Max zoom-in crops</span>
          <input
            type="number"
            data-testid="setting-max-crops"
            min={SETTINGS_BOUNDS.maxCrops.min}
            max={SETTINGS_BOUNDS.maxCrops.max}
            value={settings.maxCrops}
            onChange={(e) => update({ maxCrops: num(e.target.value) })}
          />
          <small>DeepEyes was trained with up to 4; the demo default is {DEFAULT_SETTINGS.maxCrops}.</small>
        </label>
        <label className="setting">
          <span>Max new tokens per turn</span>
          <input
            type="number"
            data-testid="setting-max-tokens"
            min={SETTINGS_BOUNDS.maxTokensPerTurn.min}
            max={SETTINGS_BOUNDS.maxTokensPerTurn.max}
            value={settings.maxTokensPerTurn}
            onChange={(e) => update({ maxTokensPerTurn: num(e.target.value) })}
          />
        </label>
        <div className="setting">
          <span>Decoding</span>
          <div className="segmented" role="radiogroup" aria-label="Decoding">
            <label>
              <input
                type="radio"
                name="sampling"
                checked={sampling.kind === 'greedy'}
                onChange={() => update({ sampling: { kind: 'greedy' } })}
              />
              Greedy
            </label>
            <label>
              <input
                type="radio"
                name="sampling"
                data-testid="setting-sampling"
                checked={sampling.kind === 'sample'}
                onChange={() => update({ sampling: { kind: 'sample', temperature: 1, topP: 1 } })}
              />
              Sample
            </label>
          </div>
          <small>
            Greedy is what the benchmarks use; sampling (temperature 1, top-p 1) is how it was trained.
          </small>
        </div>
        {sampling.kind === 'sample' && (
          <div className="setting-row">
            <label className="setting">
              <span>Temperature</span>
              <input
                type="number"
                step={0.05}
                min={SETTINGS_BOUNDS.temperature.min}
                max={SETTINGS_BOUNDS.temperature.max}
                value={sampling.temperature}
                onChange={(e) => update({ sampling: { ...sampling, temperature: num(e.target.value) } })}
              />
            </label>
            <label className="setting">
              <span>Top-p</span>
              <input
                type="number"
                step={0.05}
                min={SETTINGS_BOUNDS.topP.min}
                max={SETTINGS_BOUNDS.topP.max}
                value={sampling.topP}
                onChange={(e) => update({ sampling: { ...sampling, topP: num(e.target.value) } })}
              />
            </label>
          </div>
        )}
        <label className="setting setting--check">
          <input
            type="checkbox"
            data-testid="setting-rotate"
            checked={settings.rotateTool}
            onChange={(e) => update({ rotateTool: e.target.checked })}
          />
          <span>
            Offer the rotate tool <small>(experimental: the model was not trained with it)</small>
          </span>
        </label>
      </fieldset>
      <label className="setting setting--check">
        <input
          type="checkbox"
          data-testid="setting-reload-last-model"
          checked={reloadLast}
          onChange={(e) => {
            setReloadLastModel(e.target.checked);
            setReloadLast(e.target.checked);
          }}
        />
        <span>
          Load the last model again when the page opens <small>(from this browser's storage)</small>
        </span>
      </label>
      <footer className="popover__foot">
        <button type="button" className="link-button" onClick={reset} disabled={busy}>
          Reset to defaults
        </button>
      </footer>
    </div>
  );
}
