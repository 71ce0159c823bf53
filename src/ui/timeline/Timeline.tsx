/**
 * The run, step by step: finished cards (memoized), the live card, and how the run ended.
 * Follows the live card while the user has not scrolled away; scrolls to a selected step.
 */
import { useCallback, useEffect, useRef } from 'react';
import { appStore, useAppStore } from '../../store/store';
import { resumableSteps } from '../../agent/resume';
import { useActions } from '../actions';
import { RunNotices } from '../status/RunNotices';
import { LiveAnnouncer } from './LiveAnnouncer';
import { LiveStepCard } from './LiveStepCard';
import { GroundTruthCard } from './GroundTruthCard';
import { StepCard } from './StepCard';
import './Timeline.css';

const END_NOTES: Record<string, string> = {
  cancelled: 'Stopped before the model answered.',
  budget: 'Ended by a limit (crops or tokens); see Settings.',
  no_action: 'The model ended without a tool call or an answer tag.',
  error: 'The run failed.',
};

export function Timeline() {
  const steps = useAppStore((s) => s.trace?.steps ?? null);
  const hasLive = useAppStore((s) => s.trace?.live != null);
  const endReason = useAppStore((s) => s.trace?.final?.endReason ?? null);
  const finalAnswer = useAppStore((s) => s.trace?.final?.finalAnswer);
  const selected = useAppStore((s) => s.selectedStep);
  const hovered = useAppStore((s) => s.hoveredStep);
  const runError = useAppStore((s) => s.runError);
  const presentation = useAppStore((s) => s.presentation);
  // Completed turns an interrupted run (device lost, worker crash) can be resumed after.
  const resumeFrom = useAppStore((s) => {
    const t = s.trace?.final;
    return t && t.endReason === 'error' ? resumableSteps(t).length : 0;
  });
  const actions = useActions();
  const scroller = useRef<HTMLDivElement | null>(null);
  const follow = useRef(true);

  const onSelect = useCallback((pos: number) => {
    const st = appStore.getState();
    st.selectStep(st.selectedStep === pos ? null : pos);
  }, []);
  const onHover = useCallback((pos: number | null) => appStore.getState().hoverStep(pos), []);

  useEffect(() => {
    if (!hasLive) return;
    let raf = 0;
    const tick = () => {
      const el = scroller.current;
      if (el && follow.current) el.scrollTop = el.scrollHeight;
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [hasLive]);

  useEffect(() => {
    if (selected === null) return;
    // Next frame: a presentation toggle resizes every card, and the page's class flips after this runs.
    const raf = requestAnimationFrame(() =>
      scroller.current
        ?.querySelector(`[data-pos="${selected}"]`)
        ?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }),
    );
    return () => cancelAnimationFrame(raf);
  }, [selected, presentation]);

  const onScroll = () => {
    const el = scroller.current;
    if (el) follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  };

  const empty = (!steps || steps.length === 0) && !hasLive;
  return (
    <div className="timeline" data-testid="timeline" ref={scroller} onScroll={onScroll}>
      {empty && !runError && (
        <div className="timeline__empty">
          <p>
            The model’s reasoning appears here, step by step: what it thinks, where it zooms, and its answer.
          </p>
          <p className="muted">Pick a sample or drop a picture, ask a question, press Run.</p>
        </div>
      )}
      {steps?.map((step, pos) => (
        <StepCard
          key={step.index}
          step={step}
          pos={pos}
          selected={selected === pos}
          active={hovered === pos}
          tabbable={selected === null || selected >= steps.length ? pos === 0 : selected === pos}
          onSelect={onSelect}
          onHover={onHover}
        />
      ))}
      {hasLive && <LiveStepCard />}
      <LiveAnnouncer />
      {endReason && endReason !== 'answer' && (
        <div className={`end-note end-note--${endReason}`}>
          {END_NOTES[endReason] ?? `Ended: ${endReason}`}
          {endReason === 'no_action' && finalAnswer && <div className="end-note__answer">{finalAnswer}</div>}
        </div>
      )}
      <GroundTruthCard />
      <RunNotices />
      {runError && (
        <div
          className="error-card error-card--run"
          role="alert"
          data-testid="run-error"
          data-code={runError.code}
        >
          <strong>{runError.code === 'no_model' ? 'No model loaded' : 'Something went wrong'}</strong>
          <p>{runError.message}</p>
          {runError.advice && <p data-testid="run-error-advice">{runError.advice}</p>}
          {runError.code === 'invalid_logits' && (
            <button type="button" data-testid="safer-path-button" onClick={() => void actions.useSaferPath()}>
              Reload with fp32 activations
            </button>
          )}
          {runError.retryable && resumeFrom > 0 && (
            <button type="button" data-testid="resume-button" onClick={() => void actions.resume()}>
              Rerun from step {resumeFrom + 1}
            </button>
          )}
          {runError.retryable && (
            <button type="button" onClick={() => void actions.run()}>
              {resumeFrom > 0 ? 'Start over' : 'Try again'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
