/**
 * Encodes the slide animation (painted by slide-paint.ts) as a 1280x720 WebM: the browser's
 * WebCodecs VideoEncoder (VP9, else VP8) through mediabunny, which writes the container.
 * mediabunny is loaded only when a video is asked for. Where the browser has no VideoEncoder,
 * `drawTraceWebm` answers null and the caller falls back to the GIF.
 */
import type { Trace } from '../../agent/types';
import { openSlidePainter } from './slide-paint';
import { pickVideoCodec, planVideo, WEBM_HEIGHT, WEBM_WIDTH } from './webm-plan';

export async function drawTraceWebm(trace: Trace): Promise<{ blob: Blob; codec: string } | null> {
  if (typeof VideoEncoder === 'undefined') return null;
  const mb = await import('mediabunny');
  const codec = await pickVideoCodec((c) =>
    mb.canEncodeVideo(c, { width: WEBM_WIDTH, height: WEBM_HEIGHT, quality: mb.QUALITY_HIGH }),
  );
  if (!codec) return null;

  const canvas = new OffscreenCanvas(WEBM_WIDTH, WEBM_HEIGHT);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser refused a 2D canvas');
  const painter = await openSlidePainter(trace);
  try {
    const target = new mb.BufferTarget();
    const output = new mb.Output({ format: new mb.WebMOutputFormat(), target });
    const source = new mb.CanvasSource(canvas, { codec, quality: mb.QUALITY_HIGH });
    output.addVideoTrack(source);
    await output.start();
    let painted = -1;
    for (const slot of planVideo(painter.frames.map((f) => f.delayMs))) {
      if (slot.frame !== painted) {
        painter.paint(ctx, slot.frame);
        painted = slot.frame;
      }
      await source.add(slot.timestamp, slot.duration, { keyFrame: slot.keyFrame });
    }
    await output.finalize();
    return { blob: new Blob([target.buffer!], { type: 'video/webm' }), codec };
  } finally {
    painter.close();
  }
}
