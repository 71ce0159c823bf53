/**
 * Hand-written traces for the bundled sample photos (not model output: the card, the canvas and
 * the status bar say so), so the page shows a complete run with no model: realistic DeepEyes turns
 * (think, zoom-in tool calls, a bad call answered with the training environment's error, a final
 * answer) over boxes that frame real details of the photos. Each box is what the model would write
 * (`bbox_2d`), mapped to the original picture by the runtime's own rule (resolveZoomBox); nothing
 * was timed, so the timings are zero and the page shows none. Pure: the crops are cut by the caller
 * (see load-sample.ts).
 */
import type { CropInfo, Trace, TraceImageInfo, TraceStep } from '../../agent/types';
import type { TurnTimings } from '../../base/engine';
import { DEFAULT_SETTINGS } from '../../agent/types';
import { TRACE_VERSION } from '../../agent/trace/schema';
import { smartResize, smartResizeCrop } from '../../model/image/smart-resize';
import { resolveZoomBox, zoomFrame } from '../../agent/tools/crop';
import { HAND_WRITTEN_MODEL_ID } from '../../ui/hand-written';

import type { Box } from '../../base/types';
/** `box` is the zoom call's bbox_2d as the model writes it, in the pixels of the picture it saw. */
type SampleTurn =
  | { think: string; zoom: { box: Box; label: string } }
  | { think: string; badZoom: { box: Box; label: string; message: string } }
  | { think: string; answer: string };

export interface SampleSpec {
  id: string;
  title: string;
  /** Served from public/samples (see LICENSES.md there). */
  url: string;
  width: number;
  height: number;
  question: string;
  options?: string[];
  turns: SampleTurn[];
}

export const LADYBIRD: SampleSpec = {
  id: 'ladybird',
  title: 'Ladybird on a grass stem',
  url: 'samples/ladybird.jpg',
  width: 2560,
  height: 1600,
  question: 'What colour are the flowers just below the ladybird?',
  options: ['Blue', 'Pink', 'White', 'Yellow'],
  turns: [
    {
      think:
        'A grass stem crosses the picture from the upper left to the lower right. Near the middle of the right half there is a small red shape on the stem, probably the ladybird, but at this size I cannot be sure. I will zoom in on it first.',
      zoom: { box: [1560, 640, 2040, 1040], label: 'red insect on the stem' },
    },
    {
      think:
        'The crop confirms a ladybird: red wing cases, a black head with two white patches, legs gripping the stem. Below it the background is blurred, with some pale shapes that could be flowers. Let me look directly under the ladybird.',
      zoom: { box: [1500, 940, 1840, 1300], label: 'flowers below the ladybird' },
    },
    {
      think:
        'These are out of focus but clearly five-petalled flowers, pale blue with yellow centres, like forget-me-nots. There are also pinkish buds in the upper right corner; I should check that they are not the flowers nearest to the ladybird.',
      zoom: { box: [1980, 150, 2560, 720], label: 'pink buds at the top right' },
    },
    {
      think:
        'The pink buds hang from a separate stem above and to the right, further from the ladybird. The flowers directly below it are blue, so the answer is A.',
      answer: 'A',
    },
  ],
};

export const TWO_WINGS: SampleSpec = {
  id: 'two-wings',
  title: 'Dandelion seeds',
  url: 'samples/two-wings.jpg',
  width: 2560,
  height: 1600,
  question: 'How many seeds are still attached to the seed head at the bottom?',
  options: ['1', '2', '3', '4'],
  turns: [
    {
      think:
        'Two parachute-like dandelion seeds stand above a round green seed head at the bottom centre. More seeds could be hidden close to the head, so I will zoom in on where the stalks meet it.',
      zoom: { box: [1460, 1120, 1960, 1600], label: 'seed head and seed bases' },
    },
    {
      think: 'Two brown seeds join the head. Let me look even closer at the point between them.',
      badZoom: {
        box: [1700, 1380, 1712, 1392],
        label: 'between the seeds',
        message: 'ZOOM IN ARGUMENTS ARE INVALID',
      },
    },
    {
      think:
        'That box was too small to crop. The previous crop already showed the whole top of the seed head: exactly two seeds are attached, each carrying one parachute. The answer is B.',
      answer: 'B',
    },
  ],
};

export const SAMPLE_TRACES: readonly SampleSpec[] = [LADYBIRD, TWO_WINGS];

const ZOOM_NAME = 'image_zoom_in_tool';
// Text around the image pads, in tokens: system prompt + question + suffix; the tool-response wrapper.
const TURN1_TEXT_TOKENS = 336;
const TOOL_RESPONSE_TEXT_TOKENS = 42;
const ERROR_TEXT_TOKENS = 18;

/**
 * Where the runtime cuts the crop for the model's `bbox_2d` on this picture: the agent loop's rule
 * (zoomFrame + resolveZoomBox), so sample boxes land where a real run's would. Throws for a box
 * the runtime would reject: a hand-written zoom must be a valid one.
 */
export function sampleZoom(
  spec: Pick<SampleSpec, 'id' | 'width' | 'height'>,
  bbox: Box,
): { box: Box; rect: Box } {
  const r = resolveZoomBox(bbox, zoomFrame(spec.width, spec.height));
  if (!r.ok)
    throw new RangeError(`sample ${spec.id}: zoom box [${bbox.join(', ')}] is invalid (${r.message})`);
  return { box: r.box, rect: r.rect };
}

/** The original-pixel rectangles the caller must cut crops from, in turn order. */
export function sampleCropBoxes(spec: SampleSpec): Box[] {
  return spec.turns.flatMap((t) => ('zoom' in t ? [sampleZoom(spec, t.zoom.box).rect] : []));
}

/** What the crop cut at `box` becomes for the model (sizes and token count); the pixels come later. */
export function cropInfoFor(box: Box, dataUrl: string): CropInfo {
  const width = box[2] - box[0];
  const height = box[3] - box[1];
  const r = smartResizeCrop(height, width);
  return {
    dataUrl,
    width,
    height,
    resizedWidth: r.width,
    resizedHeight: r.height,
    imageTokens: (r.width / 28) * (r.height / 28),
  };
}

function toolCallText(name: string, box: Box, label: string): string {
  return `<tool_call>\n{"name": "${name}", "arguments": {"bbox_2d": [${box.join(', ')}], "label": ${JSON.stringify(label)}}}\n</tool_call>`;
}

/** Nothing was timed: zeros, which the page shows as "not measured" for a hand-written trace. */
function untimed(promptTokens: number, generated: number): TurnTimings {
  return {
    ttftMs: 0,
    prefillMs: 0,
    prefillTokens: promptTokens,
    decodeMs: 0,
    decodeTokens: generated,
    visionMs: 0,
  };
}

/** Sizes the model saw for the whole picture. */
export function sampleImageInfo(spec: SampleSpec, dataUrl: string, sha256: string): TraceImageInfo {
  const r = smartResize(spec.height, spec.width);
  return {
    sha256,
    width: spec.width,
    height: spec.height,
    dataUrl,
    resizedWidth: r.width,
    resizedHeight: r.height,
  };
}

/** The trace of `spec` on `image`, with `crops[i]` the crop of the i-th zoom (sampleCropBoxes order). */
export function buildSampleTrace(
  spec: SampleSpec,
  image: TraceImageInfo,
  crops: CropInfo[],
  createdAt = '2025-06-01T10:00:00.000Z',
): Trace {
  const resized = { width: image.resizedWidth, height: image.resizedHeight };
  const imageTokens = (resized.width / 28) * (resized.height / 28);
  let cropIndex = 0;
  let prevChunk = { tokens: TURN1_TEXT_TOKENS + imageTokens, vision: imageTokens };
  const steps: TraceStep[] = spec.turns.map((turn, index) => {
    let text = `<think>${turn.think}</think>\n`;
    let action: TraceStep['action'];
    let next: { tokens: number; vision: number };
    if ('zoom' in turn) {
      const bboxModel = turn.zoom.box;
      const call = {
        name: ZOOM_NAME,
        label: turn.zoom.label,
        bboxModel,
        bboxOriginal: sampleZoom(spec, bboxModel).box,
      };
      const crop = crops[cropIndex++];
      if (!crop) throw new RangeError(`sample ${spec.id}: no crop given for zoom ${cropIndex}`);
      text += toolCallText(ZOOM_NAME, bboxModel, turn.zoom.label);
      action = { kind: 'tool_call', call, crop };
      next = { tokens: TOOL_RESPONSE_TEXT_TOKENS + crop.imageTokens, vision: crop.imageTokens };
    } else if ('badZoom' in turn) {
      const bboxModel = turn.badZoom.box;
      if (resolveZoomBox(bboxModel, zoomFrame(spec.width, spec.height)).ok) {
        throw new RangeError(`sample ${spec.id}: the rejected zoom [${bboxModel.join(', ')}] is valid`);
      }
      const callText = toolCallText(ZOOM_NAME, bboxModel, turn.badZoom.label);
      text += callText;
      action = {
        kind: 'tool_error',
        call: { name: ZOOM_NAME, label: turn.badZoom.label, bboxModel },
        message: turn.badZoom.message,
        callText,
      };
      next = { tokens: ERROR_TEXT_TOKENS, vision: 0 };
    } else {
      text += `<answer>${turn.answer}</answer>`;
      action = { kind: 'answer', text: turn.answer };
      next = { tokens: 0, vision: 0 };
    }
    const generated = Math.ceil(text.length / 3.7);
    const step: TraceStep = {
      index,
      text,
      think: turn.think,
      action,
      promptTokens: prevChunk.tokens,
      generatedTokens: generated,
      timings: untimed(prevChunk.tokens, generated),
    };
    prevChunk = next;
    return step;
  });
  const last = steps[steps.length - 1]?.action;
  return {
    format: 'deepeyes-trace',
    version: TRACE_VERSION,
    id: `sample-${spec.id}`,
    createdAt,
    // Said plainly: these runs were written by hand to show the format, not produced by the model.
    modelId: HAND_WRITTEN_MODEL_ID,
    backend: 'replay',
    question: spec.question,
    options: spec.options,
    image,
    settings: DEFAULT_SETTINGS,
    steps,
    finalAnswer: last?.kind === 'answer' ? last.text : undefined,
    endReason: last?.kind === 'answer' ? 'answer' : 'no_action',
  };
}
