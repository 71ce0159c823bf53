/**
 * What the page says about an answer key: the right option, and whether the run's answer matches
 * it by the official rule-based scorer (score.ts: a lone letter, "B.", or the option text); answers
 * only a judge model could score are said to be so, not guessed.
 */
import { scoreChoice, type Verdict } from '../../agent/eval/score';
import type { GroundTruth } from '../../agent/types';

export function rightAnswerText(gt: GroundTruth): string | null {
  if (gt.choice && gt.answer) return `${gt.choice}. ${gt.answer}`;
  return gt.choice ?? gt.answer ?? null;
}

export function answerVerdict(gt: GroundTruth, answer: string | undefined): Verdict | null {
  if (answer === undefined || (!gt.choice && !gt.answer)) return null;
  return scoreChoice(answer, { letter: gt.choice ?? '', option: gt.answer ?? '', rule: 'option' });
}
