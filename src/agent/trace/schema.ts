/**
 * Runtime schema of the Trace type (agent/types.ts), current version. Traces are imported from
 * files, so every field is checked: strict objects (no unknown keys), bounded strings and arrays,
 * finite numbers, PNG-only data URLs. The `satisfies`-style annotation below makes the compiler
 * check that the schema and the Trace type agree.
 */
import { z } from 'zod';
import type { Trace } from '../types';
import { imageDataUrlProblem } from './image-data-url';

export const TRACE_FORMAT = 'deepeyes-trace';
export const TRACE_VERSION = 2;

/** Whole serialized trace, in UTF-8 bytes (50 MiB: a large original image plus a few crops). */
export const MAX_TRACE_JSON_BYTES = 50 * 1024 * 1024;
/** Model output of one turn; 10240 tokens (the trained per-turn cap) is well under this. */
export const MAX_TEXT_CHARS = 1_000_000;
export const MAX_QUESTION_CHARS = 100_000;
export const MAX_SHORT_CHARS = 1_000;
export const MAX_STEPS = 1_000;
export const MAX_OPTIONS = 26;

const finite = z.number();
const count = z.number().int().nonnegative();
const pixels = z.number().int().positive();
const shortText = z.string().max(MAX_SHORT_CHARS);
const longText = z.string().max(MAX_TEXT_CHARS);

const dataUrl = z
  .string()
  .max(MAX_TRACE_JSON_BYTES)
  .superRefine((url, ctx) => {
    const problem = imageDataUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a PNG or JPEG data URL: ${problem}` });
  });

const box = z.tuple([finite, finite, finite, finite]);

const sampling = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('greedy') }),
  z.strictObject({
    kind: z.literal('sample'),
    temperature: z.number().nonnegative(),
    topP: z.number().gt(0).lte(1),
    seed: z.number().int().optional(),
  }),
]);

export const agentSettingsSchema = z.strictObject({
  maxCrops: count,
  maxTokensPerTurn: count,
  maxTotalTokens: count,
  sampling,
  rotateTool: z.boolean(),
});

const toolCallInfo = z.strictObject({
  name: shortText,
  label: z.string().max(MAX_QUESTION_CHARS).optional(),
  bboxModel: box.optional(),
  bboxOriginal: box.optional(),
  angle: finite.optional(),
});

const cropInfo = z.strictObject({
  dataUrl,
  width: pixels,
  height: pixels,
  resizedWidth: pixels,
  resizedHeight: pixels,
  imageTokens: count,
});

const stepAction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tool_call'), call: toolCallInfo, crop: cropInfo }),
  z.strictObject({
    kind: z.literal('tool_error'),
    call: toolCallInfo.optional(),
    message: longText,
    callText: longText,
  }),
  z.strictObject({ kind: z.literal('answer'), text: longText }),
  z.strictObject({ kind: z.literal('none'), text: longText }),
  z.strictObject({ kind: z.literal('budget'), reason: shortText }),
]);

const ms = z.number().nonnegative();
const turnTimings = z.strictObject({
  ttftMs: ms,
  prefillMs: ms,
  prefillTokens: count,
  decodeMs: ms,
  decodeTokens: count,
  visionMs: ms,
});

const groundTruth = z.strictObject({
  answer: z.string().max(MAX_QUESTION_CHARS).optional(),
  choice: shortText.optional(),
  boxes: z.array(box).max(MAX_STEPS).optional(),
});

const traceStep = z.strictObject({
  index: count,
  text: longText,
  think: longText.optional(),
  action: stepAction,
  promptTokens: count,
  generatedTokens: count,
  timings: turnTimings,
});

const imageInfo = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  width: pixels,
  height: pixels,
  dataUrl,
  resizedWidth: pixels,
  resizedHeight: pixels,
});

export const traceSchema: z.ZodType<Trace> = z.strictObject({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  id: shortText.min(1),
  createdAt: z.iso.datetime({ offset: true }),
  modelId: shortText,
  backend: shortText,
  question: z.string().max(MAX_QUESTION_CHARS),
  options: z.array(z.string().max(MAX_QUESTION_CHARS)).max(MAX_OPTIONS).optional(),
  image: imageInfo,
  settings: agentSettingsSchema,
  steps: z.array(traceStep).max(MAX_STEPS),
  finalAnswer: longText.optional(),
  endReason: z.enum(['answer', 'no_action', 'budget', 'cancelled', 'error']).optional(),
  // ErrorInfo (src/base/errors.ts); traces made before it have only code and message.
  error: z
    .strictObject({
      code: shortText,
      message: longText,
      retryable: z.boolean().optional(),
      advice: longText.optional(),
    })
    .optional(),
  groundTruth: groundTruth.optional(),
});
