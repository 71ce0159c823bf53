/**
 * The evaluation loop: every item through runDeepEyes on one engine, scored with the official
 * rules, turned into a DeepEyes eval record (the fields their judge scripts read, plus ours).
 * No file I/O: the caller writes records and prints lines as `onItem` reports them.
 */
import type { TurnEngine } from '../../base/engine';
import { runDeepEyes } from '../executor';
import type { AgentSettings, Trace } from '../types';
import { toDeepEyesRecord, type DeepEyesEvalExtras, type DeepEyesEvalRecord } from '../trace/deepeyes-jsonl';
import type { DatasetKind, EvalDataset, EvalItem } from './item';
import { letterOf, scoreChoice, shuffleForItem, type ScoredItem, type TextRule, type Verdict } from './score';

/** Our fields after the official ones; the judge scripts ignore keys they do not read. */
export interface EvalRecordFields {
  /** Resume key (V*: category/file, HR-Bench: index). */
  id: string;
  dataset: DatasetKind;
  category: string;
  /** The option texts in the order the model saw them. */
  options: string[];
  score: Verdict;
  tool_calls: number;
  tool_errors: number;
  seconds: number;
  end_reason: string;
  model: string;
  /** The --seed of a shuffled run; null when the dataset order was kept. */
  shuffle_seed: number | null;
  error?: string;
}

export type EvalRecord = DeepEyesEvalRecord & EvalRecordFields;

export interface ItemResult {
  /** Position of the item in the dataset (0-based). */
  position: number;
  record: EvalRecord;
}

export interface EvaluateOptions {
  settings: AgentSettings;
  /** Shuffle each item's options with this seed (per item: see shuffleForItem). */
  shuffleSeed?: number;
  /** Only the first `limit` items of the dataset (done ones included). */
  limit?: number;
  /** Ids already in the results file: skipped. */
  done?: ReadonlySet<string>;
  signal?: AbortSignal;
  onItem?: (r: ItemResult) => void | Promise<void>;
  /** Seconds clock (tests pass a fake one). */
  clock?: () => number;
}

export interface EvaluateOutcome {
  results: ItemResult[];
  /** Done ids met within the limit, in dataset order: their records count in the summary. */
  skipped: string[];
  cancelled: boolean;
}

/** What the model is asked: the item's options, shuffled or not, and where the right one is. */
export function presentItem(
  item: EvalItem,
  shuffleSeed?: number,
): { options: string[]; answerIndex: number } {
  if (shuffleSeed === undefined) return { options: [...item.options], answerIndex: item.answerIndex };
  const s = shuffleForItem(item.options, item.answerIndex, shuffleSeed, item.id);
  return { options: s.options, answerIndex: s.answerIndex };
}

/** The official scripts' ground-truth fields: V* answer = option text; HR-Bench answer = letter. */
export function datasetExtras(item: EvalItem, options: string[], answerIndex: number): DeepEyesEvalExtras {
  const letter = letterOf(answerIndex);
  const text = options[answerIndex];
  return item.dataset === 'vstar'
    ? {
        ...(item.imageName ? { image: item.imageName } : {}),
        answer: text,
        answer_choice: letter,
        category: item.category,
      }
    : { answer: letter, answer_str: text, category: item.category };
}

/** The letter and option text a record says are right (the inverse of datasetExtras). */
export function recordKey(r: Pick<EvalRecord, 'dataset' | 'answer' | 'answer_choice' | 'answer_str'>): {
  letter: string;
  option: string;
} {
  return r.dataset === 'vstar'
    ? { letter: r.answer_choice ?? '', option: r.answer ?? '' }
    : { letter: r.answer ?? '', option: r.answer_str ?? '' };
}

export function textRuleOf(kind: DatasetKind): TextRule {
  return kind === 'vstar' ? 'letter-dot-option' : 'option';
}

/** Scores a record from its own fields, so a resumed file is scored by the current rules. */
export function scoreRecord(r: EvalRecord): ScoredItem {
  const key = recordKey(r);
  return {
    category: r.category,
    verdict: scoreChoice(r.pred_ans, { ...key, rule: textRuleOf(r.dataset) }),
    toolCalls: r.tool_calls,
    ...(r.status === 'error' ? { error: true } : {}),
  };
}

function countActions(trace: Trace): { toolCalls: number; toolErrors: number } {
  let toolCalls = 0;
  let toolErrors = 0;
  for (const s of trace.steps) {
    if (s.action.kind === 'tool_call') toolCalls++;
    else if (s.action.kind === 'tool_error') toolErrors++;
  }
  return { toolCalls, toolErrors };
}

export async function evaluateDataset(
  engine: TurnEngine,
  dataset: EvalDataset,
  opts: EvaluateOptions,
): Promise<EvaluateOutcome> {
  const clock = opts.clock ?? (() => performance.now() / 1000);
  const results: ItemResult[] = [];
  const skipped: string[] = [];
  let position = -1;
  for await (const item of dataset.items) {
    position++;
    if (opts.limit !== undefined && position >= opts.limit) break;
    if (opts.done?.has(item.id)) {
      skipped.push(item.id);
      continue;
    }
    if (opts.signal?.aborted) return { results, skipped, cancelled: true };
    const { options, answerIndex } = presentItem(item, opts.shuffleSeed);
    const extras = datasetExtras(item, options, answerIndex);
    const t0 = clock();
    const common = {
      id: item.id,
      dataset: item.dataset,
      category: item.category,
      options,
      model: engine.modelId,
      shuffle_seed: opts.shuffleSeed ?? null,
    };
    let image;
    let imageError: string | undefined;
    try {
      image = await item.loadImage();
    } catch (e) {
      imageError = e instanceof Error ? e.message : String(e);
    }
    let record: EvalRecord;
    if (!image) {
      // A broken image is this item's failure, scored as a miss, like a run that raised.
      record = {
        ...extras,
        question: item.question,
        pred_ans: '',
        pred_output: [],
        status: 'error',
        ...common,
        score: 'wrong',
        tool_calls: 0,
        tool_errors: 0,
        seconds: clock() - t0,
        end_reason: 'error',
        error: `image: ${imageError}`,
      };
    } else {
      const trace = await runDeepEyes(engine, {
        image,
        question: item.question,
        options,
        settings: opts.settings,
        signal: opts.signal,
      });
      if (trace.endReason === 'cancelled') return { results, skipped, cancelled: true };
      const official = toDeepEyesRecord(trace, extras);
      const { toolCalls, toolErrors } = countActions(trace);
      const key = recordKey({ ...official, dataset: item.dataset });
      record = {
        ...official,
        ...common,
        score: scoreChoice(official.pred_ans, { ...key, rule: textRuleOf(item.dataset) }),
        tool_calls: toolCalls,
        tool_errors: toolErrors,
        seconds: clock() - t0,
        end_reason: trace.endReason ?? 'error',
        ...(trace.error ? { error: trace.error.message } : {}),
      };
    }
    const result: ItemResult = { position, record };
    results.push(result);
    await opts.onItem?.(result);
  }
  return { results, skipped, cancelled: false };
}
