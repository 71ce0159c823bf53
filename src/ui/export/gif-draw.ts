/**
 * Encodes the slide animation (painted by slide-paint.ts) as an animated GIF with gifenc, at
 * 960x540. One 256-colour palette per frame (photos need their own).
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import type { Trace } from '../../agent/types';
import { SLIDE_HEIGHT, SLIDE_WIDTH } from './slide-plan';
import { openSlidePainter } from './slide-paint';

export async function drawTraceGif(trace: Trace): Promise<Blob> {
  const canvas = new OffscreenCanvas(SLIDE_WIDTH, SLIDE_HEIGHT);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('the browser refused a 2D canvas');
  const painter = await openSlidePainter(trace);
  try {
    const gif = GIFEncoder();
    painter.frames.forEach((f, i) => {
      painter.paint(ctx, i);
      const rgba = ctx.getImageData(0, 0, SLIDE_WIDTH, SLIDE_HEIGHT).data;
      const palette = quantize(rgba, 256);
      gif.writeFrame(applyPalette(rgba, palette), SLIDE_WIDTH, SLIDE_HEIGHT, { palette, delay: f.delayMs });
    });
    gif.finish();
    return new Blob([gif.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' });
  } finally {
    painter.close();
  }
}
