/**
 * Compare two runs on one picture: open a second trace (JSON) beside the page's current one; its
 * boxes join the canvas in one distinct colour, and this panel lines up the answers, zoom counts,
 * timings and the steps turn by turn. After a run here, with another model loaded in this tab
 * before, one click runs the same question on that model and compares the two.
 */
import { useRef } from 'react';
import { parseTrace } from '../../agent/trace';
import type { Trace } from '../../agent/types';
import { compareStore, useCompareStore } from '../../store/compare-store';
import { useAppStore } from '../../store/store';
import { useActions } from '../actions';
import { COMPARE_COLOUR, stepColor } from '../canvas/palette';
import { compareRows, runSummary, samePicture } from './compare-rows';
import './ComparePanel.css';
import { HiddenFileInput } from '../input/HiddenFileInput';

async function openOther(file: File, current: Trace | null) {
  const st = compareStore.getState();
  try {
    const other = parseTrace(await file.text());
    if (!current) return st.setError('Show a run first (a sample, an import or your own), then compare.');
    if (!samePicture(current, other)) {
      return st.setError(
        `${file.name} ran on a different picture (${other.image.width}×${other.image.height}); compare needs the same one.`,
      );
    }
    st.setOther(other);
  } catch (e) {
    st.setError(`${file.name} is not a trace this page can read: ${(e as Error).message}`);
  }
}

const fmtMs = (ms: number | null) => (ms === null ? 'not measured' : `${(ms / 1000).toFixed(1)} s`);

export function ComparePanel() {
  const current = useAppStore((s) => s.trace?.final ?? null);
  const other = useCompareStore((s) => s.other);
  const error = useCompareStore((s) => s.error);
  const fileRef = useRef<HTMLInputElement | null>(null);
  const shown = current && other && samePicture(current, other) ? other : null;
  const actions = useActions();
  // The model that made the shown run, and another this tab has loaded (one model at a time: the
  // click loads it again, then runs).
  const otherId = useAppStore((s) =>
    s.traceSource === 'live' && s.ranWith && s.inputImage
      ? (s.loadedModelIds.find((m) => m !== s.ranWith) ?? null)
      : null,
  );
  const otherLabel = useAppStore((s) => s.models.find((m) => m.id === otherId)?.label ?? otherId);
  const busy = useAppStore((s) => s.runStatus !== 'idle');

  return (
    <section className="compare" aria-label="Compare two runs" data-testid="compare-panel">
      <div className="compare__bar">
        <span className="field-label">Compare</span>
        <button
          type="button"
          className="link-button"
          data-testid="compare-open"
          disabled={!current}
          onClick={() => fileRef.current?.click()}
        >
          {shown ? 'Another trace…' : 'Open a second trace of this picture…'}
        </button>
        {otherId && current && (
          <button
            type="button"
            className="button"
            data-testid="compare-run-other"
            disabled={busy}
            title="Loads that model in place of this one, runs the same question, picture and settings, and shows both runs here"
            onClick={() => void actions.runOnModel(otherId)}
          >
            Run this question on {otherLabel}
          </button>
        )}
        {shown && (
          <button
            type="button"
            className="link-button compare__close"
            data-testid="compare-close"
            onClick={() => compareStore.getState().setOther(null)}
          >
            Close
          </button>
        )}
        <HiddenFileInput
          inputRef={fileRef}
          accept=".json,application/json"
          testId="compare-input"
          onFile={(f) => void openOther(f, current)}
        />
      </div>
      {error && (
        <p className="compare__error" role="alert">
          {error}
        </p>
      )}
      {current && shown && <CompareTable a={current} b={shown} />}
    </section>
  );
}

function CompareTable({ a, b }: { a: Trace; b: Trace }) {
  const sa = runSummary(a);
  const sb = runSummary(b);
  const rows = compareRows(a, b);
  const swatchA = stepColor(0).fill;
  return (
    <table className="compare__table" data-testid="compare-table">
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">
            <span className="swatch" style={{ background: swatchA }} aria-hidden="true" /> A: this run
          </th>
          <th scope="col">
            <span className="swatch" style={{ background: COMPARE_COLOUR.fill }} aria-hidden="true" /> B:
            compared (dashed)
          </th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">Model</th>
          <td>{sa.model}</td>
          <td>{sb.model}</td>
        </tr>
        <tr className="compare__answer">
          <th scope="row">Answer</th>
          <td data-testid="compare-answer-a">{sa.answer}</td>
          <td data-testid="compare-answer-b">{sb.answer}</td>
        </tr>
        <tr>
          <th scope="row">Zooms</th>
          <td data-testid="compare-zooms-a">{sa.zooms}</td>
          <td data-testid="compare-zooms-b">{sb.zooms}</td>
        </tr>
        <tr>
          <th scope="row">Tokens</th>
          <td>{sa.generatedTokens}</td>
          <td>{sb.generatedTokens}</td>
        </tr>
        <tr>
          <th scope="row">Time</th>
          <td>{fmtMs(sa.totalMs)}</td>
          <td>{fmtMs(sb.totalMs)}</td>
        </tr>
        {rows.map((r) => (
          <tr key={r.step} className="compare__step">
            <th scope="row">Step {r.step}</th>
            <td>{r.a}</td>
            <td>{r.b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
