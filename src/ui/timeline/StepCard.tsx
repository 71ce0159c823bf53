/**
 * One finished step of the run. Memoized on the step object, which never changes once the step
 * is finished, so streaming the next step does not re-render the earlier ones.
 */
import { memo, useState } from 'react';
import type { TraceStep } from '../../agent/types';
import { stepColor } from '../canvas/palette';

import type { Box } from '../../base/types';
import { isHandWritten } from '../hand-written';
import { useAppStore } from '../../store/store';
import { stepTitle, toolName } from './step-title';
import { stepTruthIou } from './step-iou';
import { isEvalRecordTrace } from '../../agent/trace/eval-record-trace';
import './StepCard.css';
const fmtBox = (b?: Box) => (b ? `[${b.map((v) => Math.round(v)).join(', ')}]` : '—');
const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** Long thinking is clamped until asked for: full text of a 2k-token turn stays out of layout. */
const CLAMP_CHARS = 320;

export function ThinkText({ text, live = false }: { text: string; live?: boolean }) {
  const [open, setOpen] = useState(false);
  const long = text.length > CLAMP_CHARS;
  if (!text) return null;
  if (live) {
    // Streaming: show the tail, which is where the reader's eye is.
    const tail = text.length > 1200 ? '…' + text.slice(-1200) : text;
    return <p className="think think--live">{tail}</p>;
  }
  return (
    <div className="think-wrap">
      <p className={`think${long && !open ? ' think--clamped' : ''}`}>{text}</p>
      {long && (
        <button
          type="button"
          className="link-button"
          onClick={(e) => (e.stopPropagation(), setOpen(!open))}
          aria-expanded={open}
        >
          {open ? 'Show less' : 'Show all thinking'}
        </button>
      )}
    </div>
  );
}

function ActionBody({ step }: { step: TraceStep }) {
  const a = step.action;
  const c = stepColor(step.index);
  const targets = useAppStore((s) => s.trace?.final?.groundTruth?.boxes);
  const truthIou = stepTruthIou(step, targets);
  switch (a.kind) {
    case 'tool_call':
      return (
        <div className="tool-card">
          <div className="tool-card__head">
            <span className="swatch" style={{ background: c.fill }} />
            <span className="tool-card__name">{toolName(step)}</span>
            <span className="tool-card__label">“{a.call.label ?? a.call.name}”</span>
          </div>
          <div className="tool-card__grid">
            <img
              className="tool-card__crop"
              src={a.crop.dataUrl}
              alt={`Crop: ${a.call.label ?? ''}`}
              loading="lazy"
              style={{ borderColor: c.fill }}
            />
            <dl className="tool-card__nums">
              <dt>model box</dt>
              <dd>{fmtBox(a.call.bboxModel)}</dd>
              <dt>original</dt>
              <dd>{fmtBox(a.call.bboxOriginal)}</dd>
              <dt>crop</dt>
              <dd>
                {a.crop.width}×{a.crop.height} → {a.crop.resizedWidth}×{a.crop.resizedHeight}
              </dd>
              <dt>tokens</dt>
              <dd>{a.crop.imageTokens}</dd>
              {truthIou !== null && (
                <>
                  <dt title="intersection over union of this zoom's box with the ground-truth box (the best over the targets), in original pixels">
                    IoU with GT
                  </dt>
                  <dd data-testid={`step-iou-${step.index}`}>{truthIou.toFixed(2)}</dd>
                </>
              )}
            </dl>
          </div>
        </div>
      );
    case 'tool_error':
      return (
        <div className="error-card" role="note">
          <strong>Tool call rejected:</strong> {a.message}
          {a.call?.bboxModel && <div className="error-card__detail">box {fmtBox(a.call.bboxModel)}</div>}
        </div>
      );
    case 'answer':
      return (
        <div className="answer-card" data-testid="answer-card">
          <span className="answer-card__kicker">Answer</span>
          <span className="answer-card__text">{a.text}</span>
        </div>
      );
    case 'none':
      return (
        <div className="note-card">
          No tool call and no answer: the run ends with this text as its answer.
        </div>
      );
    case 'budget':
      return <div className="note-card">Stopped by a limit: {a.reason}</div>;
  }
}

/** Up/Down/Home/End move focus between the cards; Enter or Space selects (or unselects) one. */
function onCardKey(e: React.KeyboardEvent<HTMLElement>, pos: number, onSelect: (pos: number) => void) {
  if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
  const cards = Array.from(
    e.currentTarget.parentElement?.querySelectorAll<HTMLElement>(':scope > [data-pos]') ?? [],
  );
  const i = cards.indexOf(e.currentTarget);
  let to: HTMLElement | undefined;
  if (e.key === 'ArrowDown') to = cards[i + 1];
  else if (e.key === 'ArrowUp') to = cards[i - 1];
  else if (e.key === 'Home') to = cards[0];
  else if (e.key === 'End') to = cards[cards.length - 1];
  else if (e.key === 'Enter' || e.key === ' ') onSelect(pos);
  else return;
  e.preventDefault();
  e.stopPropagation();
  to?.focus();
}

interface StepCardProps {
  step: TraceStep;
  pos: number;
  selected: boolean;
  active: boolean;
  /** The one card in the timeline that Tab reaches (roving tabindex); arrows move between cards. */
  tabbable: boolean;
  onSelect(pos: number): void;
  onHover(pos: number | null): void;
}

export const StepCard = memo(function StepCard({
  step,
  pos,
  selected,
  active,
  tabbable,
  onSelect,
  onHover,
}: StepCardProps) {
  const c = stepColor(step.index);
  const t = step.timings;
  const handWritten = useAppStore((s) => isHandWritten(s.trace?.final?.modelId));
  const fromEval = useAppStore((s) => isEvalRecordTrace(s.trace?.final));
  const kind = step.action.kind;
  const title = stepTitle(step);
  return (
    <article
      className={`step-card step-card--${kind}${selected ? ' is-selected' : ''}${active ? ' is-active' : ''}`}
      data-testid={`step-card-${step.index}`}
      data-pos={pos}
      style={{ ['--step-color' as string]: c.fill }}
      onClick={() => onSelect(pos)}
      onMouseEnter={() => onHover(pos)}
      onMouseLeave={() => onHover(null)}
      onKeyDown={(e) => onCardKey(e, pos, onSelect)}
      tabIndex={tabbable ? 0 : -1}
      aria-label={`Step ${step.index + 1}: ${title}${selected ? ', selected' : ''}`}
      aria-current={selected ? 'step' : undefined}
    >
      <header className="step-card__head">
        <span className="step-badge" style={{ background: c.fill, color: c.text }}>
          {step.index + 1}
        </span>
        <span className="step-card__title">{title}</span>
        {handWritten ? (
          <span
            className="step-card__meta step-card__meta--example"
            title="written by hand to show the format; not model output, not timed"
          >
            hand-written example
          </span>
        ) : fromEval ? (
          <span
            className="step-card__meta step-card__meta--example"
            title="read from an evaluation JSONL: the text is the model's, nothing was timed here"
          >
            eval record · not timed
          </span>
        ) : (
          <span
            className="step-card__meta"
            title="generated tokens · decode time · prompt tokens of this turn"
          >
            {step.generatedTokens} tok · {fmtMs(t.decodeMs)} · prompt {step.promptTokens}
          </span>
        )}
      </header>
      {/* No think tags (a budget cut, a stop, a model that skips them): the raw text is what there is. */}
      <ThinkText text={step.think ?? (kind === 'none' || kind === 'budget' ? step.text : '')} />
      <ActionBody step={step} />
    </article>
  );
});
