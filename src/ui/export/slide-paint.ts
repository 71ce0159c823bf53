/**
 * Paints the frames of the slide animation (plan from slide-plan.ts) on a 2D canvas: the picture
 * with the boxes so far on the left, the step's heading, crop and reasoning on the right. The GIF
 * and the WebM encoders both draw through this, each at its own size: the 960x540 board is scaled
 * to the canvas, so the two files show the same frames.
 */
import type { Trace } from '../../agent/types';
import { stepColor } from '../canvas/palette';
import { isHandWritten } from '../hand-written';
import { dataUrlToBitmap } from '../image/canvas-io';
import { PICTURE_AREA, planSlides, SLIDE_HEIGHT, SLIDE_WIDTH, wrapText, type SlideFrame } from './slide-plan';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const PANEL_X = PICTURE_AREA.width + 20;
const PANEL_W = SLIDE_WIDTH - PANEL_X - 20;

type Ctx2D = OffscreenCanvasRenderingContext2D;

export interface SlidePainter {
  frames: SlideFrame[];
  /** Draws frame `i` over the whole canvas (the board scaled to `ctx.canvas`). */
  paint(ctx: Ctx2D, i: number): void;
  /** Frees the decoded pictures. */
  close(): void;
}

/** Where the picture sits on the board: fitted to PICTURE_AREA and centred. */
export function pictureRect(image: { width: number; height: number }) {
  const scale = Math.min(PICTURE_AREA.width / image.width, PICTURE_AREA.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  return {
    scale,
    x: PICTURE_AREA.x + (PICTURE_AREA.width - width) / 2,
    y: PICTURE_AREA.y + (PICTURE_AREA.height - height) / 2,
    width,
    height,
  };
}

export async function openSlidePainter(trace: Trace): Promise<SlidePainter> {
  const note = isHandWritten(trace.modelId) ? 'Hand-written example, not model output' : '';
  const frames = planSlides(trace, note);
  const picture = await dataUrlToBitmap(trace.image.dataUrl);
  const crops = new Map<number, ImageBitmap>();
  const close = () => {
    picture.close();
    crops.forEach((c) => c.close());
  };
  try {
    for (const s of trace.steps) {
      if (s.action.kind === 'tool_call' && s.action.crop.dataUrl) {
        crops.set(s.index, await dataUrlToBitmap(s.action.crop.dataUrl));
      }
    }
  } catch (e) {
    close();
    throw e;
  }
  const p = pictureRect(trace.image);

  function paint(ctx: Ctx2D, i: number): void {
    const f = frames[i];
    ctx.setTransform(ctx.canvas.width / SLIDE_WIDTH, 0, 0, ctx.canvas.height / SLIDE_HEIGHT, 0, 0);
    ctx.fillStyle = '#0e1116';
    ctx.fillRect(0, 0, SLIDE_WIDTH, SLIDE_HEIGHT);
    ctx.drawImage(picture, p.x, p.y, p.width, p.height);
    for (const b of f.boxes) {
      const [x1, y1, x2, y2] = b.box;
      ctx.strokeStyle = stepColor(b.stepIndex).fill;
      ctx.lineWidth = 4;
      ctx.strokeRect(p.x + x1 * p.scale, p.y + y1 * p.scale, (x2 - x1) * p.scale, (y2 - y1) * p.scale);
    }
    let y = 40;
    ctx.fillStyle = '#e8ebf2';
    ctx.font = `bold 22px ${FONT}`;
    for (const line of wrapText((s) => ctx.measureText(s).width, f.heading, PANEL_W, 3)) {
      ctx.fillText(line, PANEL_X, y);
      y += 28;
    }
    const crop = f.cropOf !== undefined ? crops.get(f.cropOf) : undefined;
    if (crop) {
      const cs = Math.min(PANEL_W / crop.width, 150 / crop.height);
      ctx.drawImage(crop, PANEL_X, y, crop.width * cs, crop.height * cs);
      ctx.strokeStyle = stepColor(f.cropOf!).fill;
      ctx.lineWidth = 4;
      ctx.strokeRect(PANEL_X, y, crop.width * cs, crop.height * cs);
      y += crop.height * cs + 16;
    }
    ctx.fillStyle = '#c9d1e0';
    ctx.font = `16px ${FONT}`;
    const lines = Math.max(1, Math.floor((SLIDE_HEIGHT - 40 - y) / 21));
    for (const line of wrapText((s) => ctx.measureText(s).width, f.body, PANEL_W, lines)) {
      y += 21;
      ctx.fillText(line, PANEL_X, y);
    }
    if (note) {
      ctx.fillStyle = '#ffe2a8';
      ctx.font = `14px ${FONT}`;
      ctx.fillText(note, PANEL_X, SLIDE_HEIGHT - 16);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }

  return { frames, paint, close };
}
