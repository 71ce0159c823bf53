/**
 * Multiple-choice scoring as the official DeepEyes judges do it before they ask an LLM
 * (Visual-Agent/DeepEyes cc3ff4d6, eval/judge_result.py for V*, eval/judge_result_hrbench.py for
 * HR-Bench), option shuffling, and the summary numbers. Pure: no I/O, no model.
 *
 * The rules, applied to `pred_ans` (the text of the first <answer>, stripped, else the whole last
 * response):
 * 1. if it holds `\boxed{`, keep what is between the first `\boxed{` and the next `}`;
 * 2. one character: correct iff it is the letter;
 * 3. two characters with a '.': correct iff it contains the letter (case-sensitive, as in Python);
 * 4. V*: `"{L}. {option}"` inside it is correct; HR-Bench's judge instead accepts the option text
 *    alone inside it (its "{L}. {option}" test is commented out in favour of `answer_str`);
 * 5. anything else goes to an LLM judge there; here it is reported as 'needs_judge'.
 */
import { uniform } from '../../model/prng';

export type Verdict = 'correct' | 'wrong' | 'needs_judge';

/** Which option-text rule (step 4) applies: the one of each dataset's official judge. */
export type TextRule = 'letter-dot-option' | 'option';

export interface ChoiceKey {
  /** Letter of the right option as the model was shown it (after any shuffling). */
  letter: string;
  /** Text of the right option. */
  option: string;
  rule: TextRule;
}

/** What the judge compares: the inside of the first `\boxed{…}` when there is one. */
export function judgedText(pred: string): string {
  const at = pred.indexOf('\\boxed{');
  if (at < 0) return pred;
  const rest = pred.slice(at + '\\boxed{'.length);
  const close = rest.indexOf('}');
  return close < 0 ? rest : rest.slice(0, close);
}

export function scoreChoice(pred: string, key: ChoiceKey): Verdict {
  const p = judgedText(pred);
  // Python's len counts code points, not UTF-16 units.
  const length = [...p].length;
  if (length === 1) return p === key.letter ? 'correct' : 'wrong';
  if (length === 2 && p.includes('.')) return p.includes(key.letter) ? 'correct' : 'wrong';
  const needle = key.rule === 'letter-dot-option' ? `${key.letter}. ${key.option}` : key.option;
  if (needle !== '' && p.includes(needle)) return 'correct';
  return 'needs_judge';
}

export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function letterOf(index: number): string {
  const l = LETTERS[index];
  if (l === undefined) throw new RangeError(`option index ${index} has no letter (at most 26 options)`);
  return l;
}

/** 32-bit FNV-1a of a string's UTF-16 units: turns (seed, item id) into an RNG seed. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface ShuffledChoice {
  options: string[];
  answerIndex: number;
  /** order[i] = index in the original options of the option now shown at i. */
  order: number[];
}

/** Fisher-Yates with the given RNG; the right answer follows its option. */
export function shuffleOptions(
  options: readonly string[],
  answerIndex: number,
  random: () => number,
): ShuffledChoice {
  if (answerIndex < 0 || answerIndex >= options.length)
    throw new RangeError(`answer index ${answerIndex} is outside the ${options.length} options`);
  const order = options.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { options: order.map((i) => options[i]), answerIndex: order.indexOf(answerIndex), order };
}

/**
 * The shuffle of one item: it depends only on (seed, item id), so a resumed or --limit'ed run
 * shows every item the same order as the full run did.
 */
export function shuffleForItem(
  options: readonly string[],
  answerIndex: number,
  seed: number,
  itemId: string,
): ShuffledChoice {
  return shuffleOptions(options, answerIndex, uniform(hash32(`${seed}\u0000${itemId}`)));
}

export interface ScoredItem {
  category: string;
  verdict: Verdict;
  toolCalls: number;
  /** The run raised (status 'error' in the eval record). */
  error?: boolean;
}

export interface CategoryStats {
  category: string;
  n: number;
  correct: number;
  wrong: number;
  needsJudge: number;
  /** correct / n; items that need a judge count as wrong (a lower bound on the judged score). */
  accuracy: number;
}

/**
 * 'items': the mean over all questions (V*: judge_result.py prints np.mean(all_acc));
 * 'categories': the mean of the per-category accuracies (HR-Bench: judge_result_hrbench.py
 * averages 'single' and 'cross').
 */
export type OverallRule = 'items' | 'categories';

export interface EvalSummary {
  categories: CategoryStats[];
  overall: number;
  overallRule: OverallRule;
  n: number;
  correct: number;
  needsJudge: number;
  errors: number;
  meanToolCalls: number;
}

export function summarize(
  items: readonly ScoredItem[],
  overallRule: OverallRule,
  categoryOrder: readonly string[] = [],
): EvalSummary {
  const byCategory = new Map<string, CategoryStats>();
  for (const c of categoryOrder)
    byCategory.set(c, { category: c, n: 0, correct: 0, wrong: 0, needsJudge: 0, accuracy: 0 });
  for (const it of items) {
    let s = byCategory.get(it.category);
    if (!s) {
      s = { category: it.category, n: 0, correct: 0, wrong: 0, needsJudge: 0, accuracy: 0 };
      byCategory.set(it.category, s);
    }
    s.n++;
    if (it.verdict === 'correct') s.correct++;
    else if (it.verdict === 'wrong') s.wrong++;
    else s.needsJudge++;
  }
  const categories = [...byCategory.values()].filter((s) => s.n > 0);
  for (const s of categories) s.accuracy = s.correct / s.n;
  const n = items.length;
  const correct = categories.reduce((a, s) => a + s.correct, 0);
  const overall =
    overallRule === 'items'
      ? n > 0
        ? correct / n
        : 0
      : categories.length > 0
        ? categories.reduce((a, s) => a + s.accuracy, 0) / categories.length
        : 0;
  return {
    categories,
    overall,
    overallRule,
    n,
    correct,
    needsJudge: categories.reduce((a, s) => a + s.needsJudge, 0),
    errors: items.filter((i) => i.error).length,
    meanToolCalls: n > 0 ? items.reduce((a, i) => a + i.toolCalls, 0) / n : 0,
  };
}
