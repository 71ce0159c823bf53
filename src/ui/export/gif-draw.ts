/**
 * Paints the GIF's frames (plan from gif-plan.ts) on an OffscreenCanvas and encodes them with
 * gifenc: the picture with the boxes so far on the left, the step's heading, crop and reasoning on
 * the right. One 256-colour palette per frame (photos need their own).
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import type { Trace } from '../../agent/types';
import { stepColor } from '../canvas/palette';
import { isHandWritten } from '../hand-written';
import { dataUrlToBitmap } from '../image/canvas-io';
import { GIF_HEIGHT, GIF_WIDTH, PICTURE_AREA, planGif, wrapText } from './gif-plan';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const PANEL_X = PICTURE_AREA.width + 20;
const PANEL_W = GIF_WIDTH - PANEL_X - 20;

export async function drawTraceGif(trace: Trace): Promise<Blob> {
  const note = isHandWritten(trace.modelId) ? 'Hand-written example, not model output' : '';
  const frames = planGif(trace, note);
  const canvas = new OffscreenCanvas(GIF_WIDTH, GIF_HEIGHT);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('the browser refused a 2D canvas');
  const picture = await dataUrlToBitmap(trace.image.dataUrl);
  const crops = new Map<number, ImageBitmap>();
  try {
    for (const s of trace.steps) {
      if (s.action.kind === 'tool_call' && s.action.crop.dataUrl) {
        crops.set(s.index, await dataUrlToBitmap(s.action.crop.dataUrl));
      }
    }
    const scale = Math.min(PICTURE_AREA.width / trace.image.width, PICTURE_AREA.height / trace.image.height);
    const pw = trace.image.width * scale;
    const ph = trace.image.height * scale;
    const px = PICTURE_AREA.x + (PICTURE_AREA.width - pw) / 2;
    const py = PICTURE_AREA.y + (PICTURE_AREA.height - ph) / 2;
    const gif = GIFEncoder();
    for (const f of frames) {
      ctx.fillStyle = '#0e1116';
      ctx.fillRect(0, 0, GIF_WIDTH, GIF_HEIGHT);
      ctx.drawImage(picture, px, py, pw, ph);
      for (const b of f.boxes) {
        const [x1, y1, x2, y2] = b.box;
        ctx.strokeStyle = stepColor(b.stepIndex).fill;
        ctx.lineWidth = 4;
        ctx.strokeRect(px + x1 * scale, py + y1 * scale, (x2 - x1) * scale, (y2 - y1) * scale);
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
      const lines = Math.max(1, Math.floor((GIF_HEIGHT - 40 - y) / 21));
      for (const line of wrapText((s) => ctx.measureText(s).width, f.body, PANEL_W, lines)) {
        y += 21;
        ctx.fillText(line, PANEL_X, y);
      }
      if (note) {
        ctx.fillStyle = '#ffe2a8';
        ctx.font = `14px ${FONT}`;
        ctx.fillText(note, PANEL_X, GIF_HEIGHT - 16);
      }
      const rgba = ctx.getImageData(0, 0, GIF_WIDTH, GIF_HEIGHT).data;
      const palette = quantize(rgba, 256);
      gif.writeFrame(applyPalette(rgba, palette), GIF_WIDTH, GIF_HEIGHT, { palette, delay: f.delayMs });
    }
    gif.finish();
    return new Blob([gif.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' });
  } finally {
    picture.close();
    crops.forEach((c) => c.close());
  }
}
