/**
 * The step being written, re-rendered at most once per animation frame from the store: the
 * text as it streams, split into thinking / tool call / answer as the tags arrive.
 */
import type { AppState } from '../../store/store';
import { stepColor } from '../canvas/palette';
import { useRafSelector } from '../use-raf-selector';
import { splitAssistantText } from './assistant-text';
import { ThinkText } from './StepCard';
import './StepCard.css';

const selectLiveText = (s: AppState) => s.trace?.live?.text ?? null;
const selectLiveTurn = (s: AppState) => s.trace?.live?.turn ?? null;
const selectLiveTokens = (s: AppState) => s.trace?.live?.generatedTokens ?? 0;
const selectLiveError = (s: AppState) => {
  const seg = s.trace?.live?.segments.find((x) => x.kind === 'error');
  return seg && seg.kind === 'error' ? seg.message : null;
};

export function LiveStepCard() {
  const text = useRafSelector(selectLiveText);
  const turn = useRafSelector(selectLiveTurn);
  const tokens = useRafSelector(selectLiveTokens);
  const error = useRafSelector(selectLiveError);
  if (turn === null || text === null) return null;
  const c = stepColor(turn);
  const parts = splitAssistantText(text);
  return (
    <article
      className="step-card step-card--live is-active"
      data-testid={`step-card-${turn}`}
      data-live="true"
      style={{ ['--step-color' as string]: c.fill }}
      aria-live="off"
    >
      <header className="step-card__head">
        <span className="step-badge" style={{ background: c.fill, color: c.text }}>
          {turn + 1}
        </span>
        <span className="step-card__title">{text.length === 0 ? 'Reading the picture…' : 'Thinking…'}</span>
        <span className="step-card__meta">{tokens} tok</span>
      </header>
      {parts.map((p, i) =>
        p.kind === 'think' || p.kind === 'text' ? (
          <ThinkText key={i} text={p.text} live />
        ) : p.kind === 'tool_call' ? (
          <pre key={i} className="tool-stream">
            {p.text}
            {!p.closed && <span className="caret" />}
          </pre>
        ) : (
          <div key={i} className="answer-card answer-card--live">
            <span className="answer-card__kicker">Answer</span>
            <span className="answer-card__text">{p.text}</span>
          </div>
        ),
      )}
      {parts.length === 0 && <span className="caret" />}
      {error && <div className="error-card">Tool call rejected: {error}</div>}
    </article>
  );
}
