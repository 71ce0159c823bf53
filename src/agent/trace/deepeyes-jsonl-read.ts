/**
 * Reading the JSONL that the official DeepEyes evaluation writes (the writer, with the field facts,
 * is deepeyes-jsonl.ts): one record per line, each with the question, pred_ans, and pred_output,
 * the conversation with every image blanked to "data:image/jpeg;base64,". Records from V*
 * (eval_vstar.py: image, answer = the right option's text, answer_choice), HR-Bench
 * (eval_hrbench.py: answer = the right letter, answer_str, category) and our `evaluate` (the same
 * plus id, options and target_boxes) are all read. Keys we do not know are kept out of the way,
 * not refused: the scripts changed between versions (at Visual-Agent/DeepEyes 6c5e796,
 * eval_vstar.py keeps the options in dataset order and saves no answer_choice, so the right letter
 * is found from the options in the prompt; it asks the model again after a turn with neither a tool
 * call nor an answer, so such turns are read on). Pure; the picture comes from the user.
 */
import { z } from 'zod';
import { DeepEyesError } from '../../base/errors';
import type { Box } from '../../base/types';
import { ROTATE_TOOL_NAME } from '../protocol/prompts';
import type { GroundTruth } from '../types';

/** A file of this size is far beyond any benchmark's results (V*: 191 records, a few MB). */
export const MAX_EVAL_JSONL_BYTES = 200 * 1024 * 1024;

export class EvalJsonlError extends DeepEyesError {
  constructor(message: string) {
    super('eval_jsonl', message, {
      advice:
        'Open the .jsonl written by the DeepEyes evaluation (eval_vstar.py, eval_hrbench.py) or by `npm run evaluate`.',
    });
  }
}

const text = z.string();
const part = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.union([text, z.array(part)]),
});
const box4 = z.array(z.number()).length(4);

const recordSchema = z.looseObject({
  question: text,
  pred_ans: text.optional(),
  pred_output: z.array(message),
  status: text.optional(),
  image: text.optional(),
  answer: text.optional(),
  answer_choice: text.optional(),
  answer_str: text.optional(),
  category: text.optional(),
  // Ours (`npm run evaluate`): the options as shown, and V*'s targets in original pixels.
  id: text.optional(),
  options: z.array(text).optional(),
  target_boxes: z.array(box4).optional(),
  // A V* annotation's own field, [x, y, width, height] each, when a record carries it.
  bbox: z.array(box4).optional(),
});

export type EvalJsonlRecord = z.infer<typeof recordSchema>;
export type EvalJsonlMessage = z.infer<typeof message>;

export interface EvalJsonlLine {
  /** 1-based line number in the file. */
  line: number;
  record: EvalJsonlRecord;
}

export interface EvalJsonlFile {
  records: EvalJsonlLine[];
  /** One per line that is not a record, naming the line: shown, never silently dropped. */
  problems: string[];
}

function issueText(issue: z.core.$ZodIssue): string {
  const at = issue.path.length ? `field ${issue.path.join('.')}: ` : '';
  return `${at}${issue.message}`;
}

/**
 * Every record of the file, in order, and what is wrong with each other non-empty line. Throws
 * EvalJsonlError when no line is a record (the message names the first bad lines).
 */
export function parseEvalJsonl(content: string): EvalJsonlFile {
  const records: EvalJsonlLine[] = [];
  const problems: string[] = [];
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      problems.push(`line ${i + 1}: not JSON (${(e as Error).message})`);
      continue;
    }
    const r = recordSchema.safeParse(json);
    if (!r.success) {
      problems.push(`line ${i + 1}: not an eval record (${issueText(r.error.issues[0])})`);
      continue;
    }
    records.push({ line: i + 1, record: r.data });
  }
  if (records.length === 0) {
    const why = problems.length
      ? problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '')
      : 'the file is empty';
    throw new EvalJsonlError(`No DeepEyes eval record in this file: ${why}.`);
  }
  return { records, problems };
}

/** The text of a message, its text parts joined (images are blanked in these files anyway). */
export function messageText(m: EvalJsonlMessage): string {
  if (typeof m.content === 'string') return m.content;
  return m.content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

/** `A. text` lines after `Options:` in the first user message (the prompt the evals build). */
export function optionsFromPrompt(userText: string): string[] {
  const at = userText.indexOf('Options:');
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of userText.slice(at + 'Options:'.length).split('\n')) {
    const m = /^([A-Z])\. (.*)$/.exec(line.trim());
    if (m && m[1].charCodeAt(0) - 65 === out.length) out.push(m[2]);
    else if (out.length > 0 && line.trim() === '') break;
  }
  return out;
}

export interface RecordConversation {
  question: string;
  options: string[];
  /** The system prompt offered image_rotate_tool. */
  rotateTool: boolean;
  /** The model's turns, in order. */
  assistantTexts: string[];
}

export function recordConversation(record: EvalJsonlRecord): RecordConversation {
  const msgs = record.pred_output;
  const system = msgs.find((m) => m.role === 'system');
  const firstUser = msgs.find((m) => m.role === 'user');
  const options = record.options ?? (firstUser ? optionsFromPrompt(messageText(firstUser)) : []);
  return {
    question: record.question,
    options,
    rotateTool: system ? messageText(system).includes(ROTATE_TOOL_NAME) : false,
    assistantTexts: msgs.filter((m) => m.role === 'assistant').map(messageText),
  };
}

const LETTER = /^[A-Z]$/;

/**
 * The answer key and target boxes, as far as the record says. V*: answer is the right option's
 * text (options[0] before any shuffle, so letter A when answer_choice is absent and the options are
 * in dataset order); HR-Bench: answer is the letter, answer_str the text.
 */
export function recordGroundTruth(
  record: EvalJsonlRecord,
  options: readonly string[],
): GroundTruth | undefined {
  const gt: GroundTruth = {};
  const ans = record.answer?.trim();
  if (record.answer_choice) gt.choice = record.answer_choice.trim();
  if (ans !== undefined && LETTER.test(ans)) {
    gt.choice ??= ans;
    if (record.answer_str !== undefined) gt.answer = record.answer_str;
  } else if (ans !== undefined) {
    gt.answer = ans;
  }
  if (gt.answer !== undefined && gt.choice === undefined) {
    const i = options.indexOf(gt.answer);
    if (i >= 0) gt.choice = String.fromCharCode(65 + i);
  }
  if (gt.choice !== undefined && gt.answer === undefined) {
    const text = options[gt.choice.charCodeAt(0) - 65];
    if (text !== undefined) gt.answer = text;
  }
  const boxes: Box[] | undefined = record.target_boxes
    ? record.target_boxes.map((b) => [b[0], b[1], b[2], b[3]])
    : record.bbox?.map((b) => [b[0], b[1], b[0] + b[2], b[1] + b[3]]);
  if (boxes?.length) gt.boxes = boxes;
  return Object.keys(gt).length ? gt : undefined;
}

/** A one-line description of a record for a picker: `line 3 · sa_4690.jpg · What is …`. */
export function recordSummary({ line, record }: EvalJsonlLine): string {
  const q = record.question.length > 80 ? record.question.slice(0, 79) + '…' : record.question;
  return [`line ${line}`, record.image ?? record.id, q].filter(Boolean).join(' · ');
}
