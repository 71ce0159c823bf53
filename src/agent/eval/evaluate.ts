/**
 * The evaluation loop: every item through runDeepEyes on one engine, scored with the official
 * rules, turned into a DeepEyes eval record (the fields their judge scripts read, plus ours).
 * No file I/O: the caller writes records and prints lines as `onItem` reports them.
 */
import type { TurnEngine } from '../../base/engine';
import type { Box } from '../../base/types';
import { matchZooms, zoomBoxes } from './zoom-iou';
import { JUDGE_SYSTEM, judgePrompt, parseJudgement, type JudgeAsk } from './judge';
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
  /** V* only (questions with ground-truth boxes): the targets and the zooms in original pixels [x1, y1, x2, y2], and how they matched. */
  target_boxes?: Box[];
  zoom_boxes?: Box[];
  best_iou?: number;
  covers_target_centre?: boolean;
  /** The LLM judge's verdict, for answers the rules could not score. */
  judge?: 'correct' | 'wrong';
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
  /** Called as each item starts (the progress bar counts them). */
  onStart?: (position: number) => void;
  /** An LLM judge for answers the rules cannot score (as the official evaluation does). */
  judge?: JudgeAsk;
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
  const rules = scoreChoice(r.pred_ans, { ...key, rule: textRuleOf(r.dataset) });
  return {
    category: r.category,
    verdict: rules === 'needs_judge' && r.judge ? r.judge : rules,
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

/**
 * Runs the items through the agent. With several engines (one conversation each, e.g. one per
 * parallel request to a chat server) that many items run at once; `onItem` then reports them in
 * the order they finish, each with its dataset position.
 */
export async function evaluateDataset(
  engines: TurnEngine | readonly TurnEngine[],
  dataset: EvalDataset,
  opts: EvaluateOptions,
): Promise<EvaluateOutcome> {
  const pool = Array.isArray(engines) ? (engines as readonly TurnEngine[]) : [engines as TurnEngine];
  const results: ItemResult[] = [];
  const skipped: string[] = [];
  let cancelled = false;
  let position = -1;
  const iterator = dataset.items[Symbol.asyncIterator]();
  let exhausted = false;
  /** The next item to run (skipping done ones), or null at the end; one caller at a time. */
  let pulling: Promise<unknown> = Promise.resolve();
  const next = (): Promise<{ item: EvalItem; position: number } | null> => {
    const p = pulling.then(async () => {
      for (;;) {
        if (exhausted || cancelled) return null;
        const r = await iterator.next();
        if (r.done) {
          exhausted = true;
          return null;
        }
        position++;
        if (opts.limit !== undefined && position >= opts.limit) {
          exhausted = true;
          return null;
        }
        if (opts.done?.has(r.value.id)) {
          skipped.push(r.value.id);
          continue;
        }
        if (opts.signal?.aborted) {
          cancelled = true;
          return null;
        }
        return { item: r.value, position };
      }
    });
    pulling = p.catch(() => {});
    return p;
  };
  const worker = async (engine: TurnEngine) => {
    for (;;) {
      const got = await next();
      if (!got) return;
      opts.onStart?.(got.position);
      const record = await runItem(engine, got.item, opts);
      if (record === 'cancelled') {
        cancelled = true;
        return;
      }
      const result: ItemResult = { position: got.position, record };
      results.push(result);
      await opts.onItem?.(result);
    }
  };
  await Promise.all(pool.map(worker));
  return { results, skipped, cancelled };
}

async function runItem(
  engine: TurnEngine,
  item: EvalItem,
  opts: EvaluateOptions,
): Promise<EvalRecord | 'cancelled'> {
  const clock = opts.clock ?? (() => performance.now() / 1000);
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
  if (!image) {
    // A broken image is this item's failure, scored as a miss, like a run that raised.
    return {
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
  }
  const trace = await runDeepEyes(engine, {
    image,
    question: item.question,
    options,
    settings: opts.settings,
    signal: opts.signal,
  });
  if (trace.endReason === 'cancelled') return 'cancelled';
  const official = toDeepEyesRecord(trace, extras);
  const { toolCalls, toolErrors } = countActions(trace);
  const key = recordKey({ ...official, dataset: item.dataset });
  const zooms = zoomBoxes(trace);
  const match = matchZooms(zooms, item.targets);
  const rules = scoreChoice(official.pred_ans, { ...key, rule: textRuleOf(item.dataset) });
  const judged =
    rules === 'needs_judge' && opts.judge
      ? parseJudgement(
          await opts.judge(
            JUDGE_SYSTEM,
            judgePrompt(item.question, `${key.letter}. ${key.option}`, official.pred_ans),
          ),
        )
      : undefined;
  return {
    ...official,
    ...common,
    score: judged ?? rules,
    ...(judged ? { judge: judged } : {}),
    tool_calls: toolCalls,
    tool_errors: toolErrors,
    seconds: clock() - t0,
    end_reason: trace.endReason ?? 'error',
    ...(trace.error ? { error: trace.error.message } : {}),
    ...(match
      ? {
          target_boxes: item.targets,
          zoom_boxes: zooms,
          best_iou: match.bestIou,
          covers_target_centre: match.coversCentre,
        }
      : {}),
  };
}
