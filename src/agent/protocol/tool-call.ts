/**
 * One `<tool_call>` body -> a validated call, or the error message the training environment
 * answered with (DeepEyes VisualToolBoxV2.execute in verl/workers/agent/envs/mm_process_engine/
 * visual_toolbox_v2.py: json.loads, then tool_call["name"], tool_call["arguments"],
 * args["bbox_2d"], maybe_resize_bbox, `ZOOM IN ARGUMENTS ARE INVALID`, `Unknown tool name: …`,
 * a KeyError printed as `'bbox_2d'`). JSON.parse only: model output is never evaluated.
 */
import type { ToolCallInfo } from '../types';
import { invalidFormatMessage } from './chunks';
import { ROTATE_TOOL_NAME, ZOOM_TOOL_NAME } from './prompts';
import { resolveZoomBox, type ZoomFrame } from '../tools/crop';

import type { Box } from '../../base/types';
export const ZOOM_INVALID_MESSAGE = 'ZOOM IN ARGUMENTS ARE INVALID';
/** Our wording (the rotate tool was never trained, so there is no trained message). */
export const ROTATE_INVALID_MESSAGE = 'ROTATE ARGUMENTS ARE INVALID';

/**
 * Result of checking the model's box: on success the box clamped to the image and mapped to the
 * ORIGINAL image's pixels (crop.ts's ZoomBoxResult satisfies this).
 */
export type BoxCheck = { ok: true; box: Box } | { ok: false; reason: string; message?: string };
/**
 * Box rules (clamp, x1 < x2, y1 < y2, aspect <= 100, shorter side > 30, scaling to the original):
 * injected, so this layer holds no image math. Use zoomBoxValidator(frame) for the real rules.
 */
export type BoxValidator = (bbox: Box) => BoxCheck;

/** The training rules of model/image/crop.ts for one image. */
export function zoomBoxValidator(frame: ZoomFrame): BoxValidator {
  return (bbox) => resolveZoomBox(bbox, frame);
}

export interface ToolCallOptions {
  validateBox: BoxValidator;
  /** Accept image_rotate_tool (only when the prompt offered it). */
  rotateTool?: boolean;
}

export type ToolErrorKind =
  'bad_json' | 'not_an_object' | 'missing_key' | 'unknown_tool' | 'invalid_box' | 'invalid_angle';

export type ToolCallResult =
  | {
      ok: true;
      /** For a zoom: bboxModel as written, bboxOriginal as the validator returned it. */
      call: ToolCallInfo;
    }
  | {
      ok: false;
      error: ToolErrorKind;
      /** The text after `Error: ` in the error turn sent back to the model. */
      message: string;
      /** Why, for logs and the trace (e.g. the box validator's reason). */
      detail?: string;
      call?: ToolCallInfo;
    };

const NONFINITE_SENTINEL = '\u0000non-finite\u0000';

/**
 * Python's json.loads (the training env) accepts NaN, Infinity and -Infinity; such a box then failed
 * validation with `ZOOM IN ARGUMENTS ARE INVALID`, not a format error. Replace those bare words
 * (outside strings) by a sentinel string so the box check, not the parser, rejects them.
 */
function replaceNonFiniteLiterals(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const word = ['-Infinity', 'Infinity', 'NaN'].find((w) => text.startsWith(w, i));
    if (word) {
      out += JSON.stringify(NONFINITE_SENTINEL);
      i += word.length - 1;
    } else out += c;
  }
  return out;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    try {
      const patched = replaceNonFiniteLiterals(text);
      if (patched !== text) return { ok: true, value: JSON.parse(patched) as unknown };
    } catch {
      // Not only the non-finite words: report the original parser message.
    }
    return { ok: false, message };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** str(KeyError(key)) in Python. */
function keyErrorMessage(key: string): string {
  return `'${key}'`;
}

function asBox(v: unknown): Box | undefined {
  if (!Array.isArray(v) || v.length !== 4) return undefined;
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) return undefined;
  return [v[0], v[1], v[2], v[3]];
}

/** Interpret the text between `<tool_call>` and `</tool_call>` (already trimmed). */
export function interpretToolCall(callText: string, options: ToolCallOptions): ToolCallResult {
  const parsed = parseJson(callText);
  if (!parsed.ok) {
    return { ok: false, error: 'bad_json', message: invalidFormatMessage(callText, parsed.message) };
  }
  const obj = parsed.value;
  if (!isRecord(obj)) {
    return {
      ok: false,
      error: 'not_an_object',
      message: 'the tool call must be a JSON object with "name" and "arguments"',
    };
  }
  // Same order as the training env: name, arguments, then the tool's own keys.
  if (!('name' in obj)) return { ok: false, error: 'missing_key', message: keyErrorMessage('name') };
  if (!('arguments' in obj))
    return { ok: false, error: 'missing_key', message: keyErrorMessage('arguments') };
  const name = typeof obj.name === 'string' ? obj.name : JSON.stringify(obj.name);
  const args = obj.arguments;
  const isZoom = name === ZOOM_TOOL_NAME;
  const isRotate = name === ROTATE_TOOL_NAME && options.rotateTool === true;
  if (!isZoom && !isRotate) {
    return { ok: false, error: 'unknown_tool', message: `Unknown tool name: ${name}`, call: { name } };
  }
  if (!isRecord(args)) {
    return {
      ok: false,
      error: 'not_an_object',
      message: '"arguments" must be a JSON object',
      call: { name },
    };
  }
  if (isRotate) {
    if (!('angle' in args))
      return { ok: false, error: 'missing_key', message: keyErrorMessage('angle'), call: { name } };
    const angle = args.angle;
    if (typeof angle !== 'number' || !Number.isFinite(angle)) {
      return {
        ok: false,
        error: 'invalid_angle',
        message: ROTATE_INVALID_MESSAGE,
        detail: 'angle is not a finite number',
        call: { name },
      };
    }
    return { ok: true, call: { name, angle } };
  }
  const call: ToolCallInfo = { name };
  if (typeof args.label === 'string') call.label = args.label;
  if (!('bbox_2d' in args))
    return { ok: false, error: 'missing_key', message: keyErrorMessage('bbox_2d'), call };
  const written = asBox(args.bbox_2d);
  if (!written) {
    return {
      ok: false,
      error: 'invalid_box',
      message: ZOOM_INVALID_MESSAGE,
      detail: 'bbox_2d must be 4 finite numbers [x1, y1, x2, y2]',
      call,
    };
  }
  call.bboxModel = written;
  const check = options.validateBox(written);
  if (!check.ok) {
    const detail = check.message ?? check.reason;
    return { ok: false, error: 'invalid_box', message: ZOOM_INVALID_MESSAGE, detail, call };
  }
  call.bboxOriginal = check.box;
  return { ok: true, call };
}
