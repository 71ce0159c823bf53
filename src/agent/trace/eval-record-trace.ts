/**
 * An official eval record (deepeyes-jsonl-read.ts) over its picture, as a Trace the page shows like
 * any other: each assistant turn of pred_output is one step, parsed by our own protocol parser and
 * followed by our kernel's rules, so a zoom's box goes through the runtime's mapping
 * (resolveZoomBox) and its crop is cut exactly as a live run cuts it (toolImage). Nothing was timed:
 * timings are zero and the backend says where the trace came from.
 */
import type { ImageLimits } from '../../base/engine';
import type { RgbImage } from '../../base/types';
import { nextStep } from '../kernel';
import { parseAssistantTurn } from '../protocol/parse';
import { zoomBoxValidator } from '../protocol/tool-call';
import { toolImage } from '../tool-image';
import { zoomFrame } from '../tools/crop';
import { DEFAULT_SETTINGS, type GroundTruth, type StepAction, type Trace, type TraceStep } from '../types';
import { recordConversation, recordGroundTruth, type EvalJsonlLine } from './deepeyes-jsonl-read';
import { TRACE_FORMAT, TRACE_VERSION } from './schema';
import { traceImageInfo } from './trace-images';

/** The backend of a trace read from an eval JSONL: not run here, not timed. */
export const EVAL_RECORD_BACKEND = 'eval-jsonl';

export function isEvalRecordTrace(trace: Pick<Trace, 'backend'> | null | undefined): boolean {
  return trace?.backend === EVAL_RECORD_BACKEND;
}

const UNTIMED = { ttftMs: 0, prefillMs: 0, prefillTokens: 0, decodeMs: 0, decodeTokens: 0, visionMs: 0 };

export interface EvalRecordSource {
  /** The .jsonl's name: the eval scripts name it after the model (result_<type>_<model>.jsonl). */
  fileName: string;
  /** The processor limits the evaluated model ran with (the eval scripts use the stock ones). */
  limits?: ImageLimits;
  /**
   * The picture's size as the dataset has it, when `image` was decoded smaller (the page caps its
   * working picture): the ground-truth boxes are scaled from it. Zoom boxes need no scaling: the
   * runtime maps them from the size the model saw, which both sizes resize to.
   */
  originalSize?: { width: number; height: number };
}

function scaleBoxes(
  gt: GroundTruth | undefined,
  image: { width: number; height: number },
  original: { width: number; height: number } | undefined,
): GroundTruth | undefined {
  if (!gt?.boxes || !original || (original.width === image.width && original.height === image.height))
    return gt;
  const sx = image.width / original.width;
  const sy = image.height / original.height;
  return { ...gt, boxes: gt.boxes.map(([a, b, c, d]) => [a * sx, b * sy, c * sx, d * sy]) };
}

export async function evalRecordTrace(
  { line, record }: EvalJsonlLine,
  image: RgbImage,
  source: EvalRecordSource,
): Promise<Trace> {
  const limits = source.limits ?? {};
  const convo = recordConversation(record);
  const frame = zoomFrame(image.width, image.height, limits);
  const toolOptions = { validateBox: zoomBoxValidator(frame), rotateTool: convo.rotateTool };
  // The record decides how many crops there were: no budget of ours may cut it short.
  const unbounded = { ...DEFAULT_SETTINGS, maxCrops: Number.MAX_SAFE_INTEGER };
  const counters = { turn: 0, crops: 0, generated: 0 };
  const steps: TraceStep[] = [];
  let finalAnswer: string | undefined;
  let endReason: Trace['endReason'] = 'budget';

  for (const [index, text] of convo.assistantTexts.entries()) {
    const parsed = parseAssistantTurn(text, toolOptions);
    const next = nextStep(text, parsed, 'end', counters, unbounded);
    let action: StepAction;
    if (next.kind === 'tool') {
      const { bboxOriginal, crop } = await toolImage(image, next.call, frame, limits);
      action = { kind: 'tool_call', call: { ...next.call, ...(bboxOriginal ? { bboxOriginal } : {}) }, crop };
      counters.crops++;
    } else action = next.action;
    steps.push({
      index,
      text,
      ...(parsed.think !== undefined ? { think: parsed.think } : {}),
      action,
      promptTokens: 0,
      generatedTokens: 0,
      timings: UNTIMED,
    });
    counters.turn++;
    if (next.kind === 'finish') {
      endReason = next.reason;
      finalAnswer = next.answer;
      // The scripts ask again after a turn with neither a tool call nor an answer: keep reading.
      if (next.reason === 'answer') break;
    } else endReason = 'budget';
  }

  const errored = record.status === 'error';
  const groundTruth = scaleBoxes(recordGroundTruth(record, convo.options), image, source.originalSize);
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    id: `${source.fileName}#${line}`,
    createdAt: new Date().toISOString(),
    modelId: source.fileName,
    backend: EVAL_RECORD_BACKEND,
    question: convo.question,
    ...(convo.options.length ? { options: convo.options } : {}),
    image: await traceImageInfo(image, limits),
    settings: {
      ...DEFAULT_SETTINGS,
      maxCrops: Math.max(DEFAULT_SETTINGS.maxCrops, counters.crops),
      rotateTool: convo.rotateTool,
    },
    steps,
    // The record's own pred_ans is what its judge scored; ours parses the same text.
    ...((record.pred_ans ?? finalAnswer) !== undefined
      ? { finalAnswer: record.pred_ans ?? finalAnswer }
      : {}),
    endReason: errored ? 'error' : endReason,
    ...(errored
      ? {
          error: {
            code: 'eval_record_error',
            message:
              'The evaluation script raised during this record (status "error"); its conversation ends here.',
            retryable: false,
          },
        }
      : {}),
    ...(groundTruth ? { groundTruth } : {}),
  };
}
