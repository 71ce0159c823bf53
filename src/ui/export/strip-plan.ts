/**
 * Layout of the PNG strip for slides: a title band (question, answer), then the original with
 * its boxes, then each crop with a caption and its step's reasoning under it, left to right, then
 * a text panel for each step without a crop (the answer's reasoning). Pure numbers; strip-draw.ts
 * paints.
 */
import type { Size } from '../canvas/geometry';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StripPlanInput {
  image: Size;
  crops: { stepIndex: number; size: Size }[];
  /** Steps with no crop (text, answer): a text panel each, after the crops. */
  notes?: { stepIndex: number }[];
}

export interface StripPlan {
  width: number;
  height: number;
  header: Rect;
  original: Rect;
  crops: { stepIndex: number; image: Rect; caption: Rect; excerpt: Rect }[];
  notes: { stepIndex: number; rect: Rect }[];
}

export interface StripOptions {
  panelHeight: number;
  /** Very wide crops are scaled to this many panel heights at most. */
  maxPanelAspect: number;
  margin: number;
  gap: number;
  headerHeight: number;
  captionHeight: number;
  /** Under each caption, the step's reasoning: this many lines of `textSize` px type. */
  excerptLines: number;
  textSize: number;
  lineHeight: number;
  /** Width of a text panel for a step without a crop. */
  noteWidth: number;
}

export const DEFAULT_STRIP: StripOptions = {
  panelHeight: 480,
  maxPanelAspect: 2.2,
  margin: 32,
  gap: 24,
  headerHeight: 96,
  captionHeight: 64,
  excerptLines: 6,
  textSize: 20,
  lineHeight: 28,
  noteWidth: 520,
};

/** Scale `size` to the panel height, shrinking further if that makes it too wide; centred in its slot. */
function panel(size: Size, x: number, y: number, o: StripOptions): Rect {
  const maxW = o.panelHeight * o.maxPanelAspect;
  const s = Math.min(o.panelHeight / size.height, maxW / size.width);
  const width = Math.max(1, Math.round(size.width * s));
  const height = Math.max(1, Math.round(size.height * s));
  return { x, y: y + Math.round((o.panelHeight - height) / 2), width, height };
}

export function planStrip(input: StripPlanInput, o: StripOptions = DEFAULT_STRIP): StripPlan {
  const top = o.margin + o.headerHeight;
  const original = panel(input.image, o.margin, top, o);
  let x = original.x + original.width + o.gap;
  const captionY = top + o.panelHeight + 8;
  const excerptY = captionY + o.captionHeight;
  const excerptHeight = o.excerptLines * o.lineHeight;
  const crops = input.crops.map((c) => {
    const image = panel(c.size, x, top, o);
    const caption = { x, y: captionY, width: image.width, height: o.captionHeight };
    const excerpt = { x, y: excerptY, width: image.width, height: excerptHeight };
    x += image.width + o.gap;
    return { stepIndex: c.stepIndex, image, caption, excerpt };
  });
  const notes = (input.notes ?? []).map((n) => {
    const rect = { x, y: top, width: o.noteWidth, height: excerptY + excerptHeight - top };
    x += o.noteWidth + o.gap;
    return { stepIndex: n.stepIndex, rect };
  });
  const width = x - o.gap + o.margin;
  const height = excerptY + excerptHeight + o.margin;
  return {
    width,
    height,
    header: { x: o.margin, y: o.margin, width: width - 2 * o.margin, height: o.headerHeight },
    original,
    crops,
    notes,
  };
}
