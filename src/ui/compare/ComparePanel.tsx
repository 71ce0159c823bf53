/**
 * Compare two runs on one picture: open a second trace (JSON) beside the page's current one; its
 * boxes join the canvas in one distinct colour, and this panel lines up the answers, zoom counts,
 * timings and the steps turn by turn.
 */
import { useRef } from 'react';
import { parseTrace } from '../../agent/trace';
import type { Trace } from '../../agent/types';
import { compareStore, useCompareStore } from '../../store/compare-store';
import { useAppStore } from '../../store/store';
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
