/** The answer key of an imported eval record under its steps: the right option and the verdict. */
import './GroundTruthCard.css';
import { useAppStore } from '../../store/store';
import { answerVerdict, rightAnswerText } from './ground-truth';

const VERDICT = {
  correct: '✓ the answer matches',
  wrong: '✗ the answer does not match',
  needs_judge: 'the rules cannot score this answer (the official evaluation asks a judge model)',
} as const;

export function GroundTruthCard() {
  const gt = useAppStore((s) => s.trace?.final?.groundTruth ?? null);
  const answer = useAppStore((s) => s.trace?.final?.finalAnswer);
  if (!gt) return null;
  const right = rightAnswerText(gt);
  const verdict = answerVerdict(gt, answer);
  const boxes = gt.boxes?.length ?? 0;
  return (
    <div className="truth-card" data-testid="ground-truth">
      <span className="truth-card__kicker">Ground truth</span>
      {right && (
        <span className="truth-card__answer" data-testid="ground-truth-answer">
          {right}
        </span>
      )}
      {verdict && (
        <span
          className={`truth-card__verdict truth-card__verdict--${verdict}`}
          data-testid="ground-truth-verdict"
        >
          {answer !== undefined ? `model: ${answer.length > 40 ? answer.slice(0, 39) + '…' : answer} · ` : ''}
          {VERDICT[verdict]}
        </span>
      )}
      {boxes > 0 && (
        <span className="truth-card__boxes">
          {boxes} target box{boxes === 1 ? '' : 'es'} drawn on the picture (dashed, “GT”)
        </span>
      )}
    </div>
  );
}
