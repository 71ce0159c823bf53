/**
 * A trace as one line of the official DeepEyes eval output, so their judge scripts can score our
 * runs. Field names and shapes from Visual-Agent/DeepEyes (commit cc3ff4d6):
 * - eval/eval_vstar.py saves {image, question, answer (correct option text), answer_choice (its
 *   letter), pred_ans, pred_output, status};
 * - eval/eval_hrbench.py saves {question, answer (letter), answer_str, pred_ans, pred_output,
 *   category, status};
 * - pred_ans is the text inside the first <answer>…</answer> (stripped), else the whole last
 *   response; pred_output is the conversation with images blanked to "data:image/jpeg;base64,";
 *   status is 'success', or 'error' when the run raised;
 * - eval/judge_result.py reads question, answer_choice, answer, pred_ans, pred_output.
 * The ground-truth fields are not in a trace: pass them as `extras`.
 */
import type { Trace } from '../types';
import { DEEPEYES_USER_SUFFIX, systemPrompt, userText } from '../protocol/prompts';

/** Dataset fields the trace does not hold; written only when given. */
export interface DeepEyesEvalExtras {
  /** V*: image file name. */
  image?: string;
  /** V*: correct option text; HR-Bench: correct letter. */
  answer?: string;
  /** V*: letter of the correct option after shuffling. */
  answer_choice?: string;
  /** HR-Bench: text of the correct option. */
  answer_str?: string;
  /** HR-Bench: 'single' | 'cross'. */
  category?: string;
}

const BLANK_IMAGE = { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,' } } as const;

type EvalContent = typeof BLANK_IMAGE | { type: 'text'; text: string };
export interface EvalMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | EvalContent[];
}

export interface DeepEyesEvalRecord extends DeepEyesEvalExtras {
  question: string;
  pred_ans: string;
  pred_output: EvalMessage[];
  status: 'success' | 'error';
}

/** The conversation as the eval scripts print it (`print_messages`). */
export function evalMessages(trace: Trace): EvalMessage[] {
  const out: EvalMessage[] = [
    { role: 'system', content: systemPrompt({ rotateTool: trace.settings.rotateTool }) },
    { role: 'user', content: [BLANK_IMAGE, { type: 'text', text: userText(trace.question, trace.options) }] },
  ];
  for (const step of trace.steps) {
    if (step.action.kind === 'budget' && step.text === '') continue;
    out.push({ role: 'assistant', content: step.text });
    if (step.action.kind === 'tool_call') {
      out.push({ role: 'user', content: [BLANK_IMAGE, { type: 'text', text: DEEPEYES_USER_SUFFIX }] });
    } else if (step.action.kind === 'tool_error') {
      // Not in the eval scripts (they crashed on bad calls); the text the model was sent.
      out.push({ role: 'user', content: [{ type: 'text', text: `Error: ${step.action.message}` }] });
    }
  }
  return out;
}

export function toDeepEyesRecord(trace: Trace, extras: DeepEyesEvalExtras = {}): DeepEyesEvalRecord {
  const last = trace.steps.at(-1);
  const predAns = trace.finalAnswer ?? last?.text ?? '';
  // Key order as the scripts write them (V*: image first; HR-Bench: category before status).
  const record: Record<string, unknown> = {};
  if (extras.image !== undefined) record.image = extras.image;
  record.question = trace.question;
  if (extras.answer !== undefined) record.answer = extras.answer;
  if (extras.answer_choice !== undefined) record.answer_choice = extras.answer_choice;
  if (extras.answer_str !== undefined) record.answer_str = extras.answer_str;
  record.pred_ans = predAns;
  record.pred_output = evalMessages(trace);
  if (extras.category !== undefined) record.category = extras.category;
  record.status = trace.endReason === 'error' ? 'error' : 'success';
  return record as unknown as DeepEyesEvalRecord;
}

/**
 * One JSONL line (with its '\n'). Python wrote these with json.dumps (", " separators, non-ASCII
 * escaped); json.loads reads either form, so compact JSON is used.
 */
export function toDeepEyesJsonl(trace: Trace, extras: DeepEyesEvalExtras = {}): string {
  return JSON.stringify(toDeepEyesRecord(trace, extras)) + '\n';
}
