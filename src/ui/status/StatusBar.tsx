/** Bottom line: adapter, model, and the speed figures of the shown run. */
import { shallow } from 'zustand/shallow';
import { runStats } from '../../store/run-stats';
import type { AppState } from '../../store/store';
import { useAppStore } from '../../store/store';
import { useRafSelector } from '../use-raf-selector';
import { isHandWritten } from '../hand-written';
import { isEvalRecordTrace } from '../../agent/trace/eval-record-trace';
import './StatusBar.css';

const selectStats = (s: AppState) => runStats(s.trace);
// Below 1 tok/s (a software GPU) fixed digits would print "0.0": keep two significant ones.
const fmt = (v: number | null, unit: string, digits = 0) =>
  v === null ? '—' : `${v < 1 && v > 0 ? v.toPrecision(2) : v.toFixed(digits)} ${unit}`;

export function StatusBar() {
  const stats = useRafSelector(selectStats, shallow);
  const gpu = useAppStore((s) => s.gpu);
  const runner = useAppStore((s) => s.runner);
  const activeModel = useAppStore(
    (s) => s.models.find((m) => m.id === s.activeModelId)?.label ?? s.activeModelId,
  );
  const traceModel = useAppStore((s) => s.trace?.final?.modelId ?? null);
  const fromEval = useAppStore((s) => isEvalRecordTrace(s.trace?.final));
  const adapter =
    gpu.webgpu === 'available'
      ? (gpu.adapter ?? 'WebGPU')
      : gpu.webgpu === 'missing'
        ? 'no WebGPU'
        : 'detecting…';
  const model = activeModel
    ? `${activeModel} (${runner})`
    : traceModel
      ? `${traceModel} · replay`
      : 'none loaded';
  return (
    <div className="status-bar" data-testid="status-bar" role="status">
      <span title="GPU adapter">
        <b>Adapter</b> {adapter}
        {gpu.webgpu === 'available' && !gpu.shaderF16 ? ' (no shader-f16)' : ''}
      </span>
      <span>
        <b>Model</b> {model}
      </span>
      {isHandWritten(traceModel) ? (
        <span data-testid="timings-not-measured">
          <b>Timings</b> none: a hand-written example, not a measured run
        </span>
      ) : fromEval ? (
        <span data-testid="timings-not-measured">
          <b>Timings</b> none: read from an eval JSONL, not run here
        </span>
      ) : (
        <RunFigures stats={stats} />
      )}
    </div>
  );
}

function RunFigures({ stats }: { stats: ReturnType<typeof runStats> }) {
  return (
    <>
      <span title="time to first token of the first turn">
        <b>TTFT</b>{' '}
        {stats.ttftMs === null
          ? '—'
          : stats.ttftMs >= 1000
            ? `${(stats.ttftMs / 1000).toFixed(2)} s`
            : `${Math.round(stats.ttftMs)} ms`}
      </span>
      <span>
        <b>Prefill</b> {fmt(stats.prefillTokPerS, 'tok/s')}
      </span>
      <span>
        <b>Decode</b> {fmt(stats.decodeTokPerS, 'tok/s', 1)}
      </span>
      <span>
        <b>Generated</b> {stats.generatedTokens} tok
      </span>
    </>
  );
}
