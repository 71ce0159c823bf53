/**
 * The animation for slides (GIF and WebM share it), planned as pure data: a title frame, one frame
 * per step (the boxes so far, the step's crop, an excerpt of its reasoning), and an answer frame
 * held longer. Laid out on a 960x540 (16:9) board; the WebM paints the same board scaled to
 * 1280x720. The hand-written examples say so on every frame.
 */
import type { Trace, TraceStep } from '../../agent/types';
import type { Box } from '../../base/types';

export const SLIDE_WIDTH = 960;
export const SLIDE_HEIGHT = 540;
/** The picture's area on the left; the text panel fills the rest. */
export const PICTURE_AREA = { x: 0, y: 0, width: 600, height: SLIDE_HEIGHT };

export interface SlideFrame {
  /** Shown for this long (the GIF encoder rounds to 10 ms). */
  delayMs: number;
  heading: string;
  /** Text under the heading (reasoning excerpt, or the question). */
  body: string;
  /** Boxes drawn on the picture, with the step index each belongs to (its colour). */
  boxes: { stepIndex: number; box: Box }[];
  /** The step whose crop is shown in the panel, if any. */
  cropOf?: number;
}

function zoomBox(s: TraceStep): Box | undefined {
  return s.action.kind === 'tool_call' ? s.action.call.bboxOriginal : undefined;
}

function heading(s: TraceStep): string {
  const a = s.action;
  const what =
    a.kind === 'tool_call'
      ? `zoom in${a.call.label ? `: ${a.call.label}` : ''}`
      : a.kind === 'answer'
        ? `answer ${a.text}`
        : a.kind === 'tool_error'
          ? 'tool error'
          : a.kind === 'budget'
            ? 'limit reached'
            : 'text';
  return `Step ${s.index + 1} · ${what}`;
}

export function planSlides(trace: Trace, note = ''): SlideFrame[] {
  const frames: SlideFrame[] = [
    { delayMs: 2000, heading: trace.question, body: note || `${trace.modelId}`, boxes: [] },
  ];
  const boxes: SlideFrame['boxes'] = [];
  for (const s of trace.steps) {
    const b = zoomBox(s);
    if (b) boxes.push({ stepIndex: s.index, box: b });
    frames.push({
      delayMs: 3000,
      heading: heading(s),
      body: (s.think ?? s.text).trim(),
      boxes: [...boxes],
      cropOf: b && s.action.kind === 'tool_call' ? s.index : undefined,
    });
  }
  frames.push({
    delayMs: 4000,
    heading:
      trace.finalAnswer !== undefined
        ? `Answer: ${trace.finalAnswer}`
        : `Ended: ${trace.endReason ?? 'unfinished'}`,
    body: `${boxes.length} zoom${boxes.length === 1 ? '' : 's'} · ${trace.modelId}`,
    boxes: [...boxes],
  });
  return frames;
}

/** Greedy word wrap by a width measure; the last line gets an ellipsis when text is left over. */
export function wrapText(
  measure: (s: string) => number,
  text: string,
  maxWidth: number,
  maxLines: number,
): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const next = line ? `${line} ${words[i]}` : words[i];
    if (measure(next) <= maxWidth || !line) {
      line = next;
      continue;
    }
    lines.push(line);
    line = words[i];
    if (lines.length === maxLines) {
      let last = lines[maxLines - 1];
      while (last && measure(`${last}…`) > maxWidth) last = last.replace(/\s*\S+$/, '');
      lines[maxLines - 1] = `${last}…`;
      return lines;
    }
  }
  if (line) lines.push(line);
  return lines;
}
