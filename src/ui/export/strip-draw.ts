/**
 * Paints the slide strip (layout from strip-plan.ts) on an OffscreenCanvas and returns a PNG:
 * the original with numbered boxes, then each crop framed in its step colour with its label and
 * its step's reasoning, then the reasoning of the steps without a crop (the answer).
 */
import type { Trace } from '../../agent/types';
import { stepColor } from '../canvas/palette';
import { dataUrlToBitmap } from '../image/canvas-io';
import { wrapText } from './slide-plan';
import { DEFAULT_STRIP, planStrip, type Rect } from './strip-plan';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

function ellipsize(ctx: OffscreenCanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + '…';
}

function numberBadge(
  ctx: OffscreenCanvasRenderingContext2D,
  n: number,
  x: number,
  y: number,
  color: { fill: string; text: string },
) {
  ctx.fillStyle = color.fill;
  ctx.fillRect(x, y, 34, 30);
  ctx.fillStyle = color.text;
  ctx.font = `bold 20px ${FONT}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(String(n), x + 17, y + 16);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
}

function frame(ctx: OffscreenCanvasRenderingContext2D, r: Rect, color: string, width: number) {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.strokeRect(r.x + width / 2, r.y + width / 2, r.width - width, r.height - width);
}

/** The step's reasoning, wrapped into `r` at the strip's text size, ellipsized when it runs over. */
function excerpt(ctx: OffscreenCanvasRenderingContext2D, text: string, r: Rect): void {
  const o = DEFAULT_STRIP;
  ctx.fillStyle = '#1f2937';
  ctx.font = `${o.textSize}px ${FONT}`;
  const lines = wrapText((s) => ctx.measureText(s).width, text, r.width, Math.floor(r.height / o.lineHeight));
  lines.forEach((line, i) => ctx.fillText(line, r.x, r.y + o.textSize + i * o.lineHeight));
}

const reasoning = (s: Trace['steps'][number]) => (s.think ?? s.text).trim();

export async function drawTraceStrip(trace: Trace): Promise<Blob> {
  const zooms = trace.steps.flatMap((s) =>
    s.action.kind === 'tool_call' && s.action.call.bboxOriginal ? [{ step: s, action: s.action }] : [],
  );
  const zoomed = new Set(zooms.map((z) => z.step.index));
  const others = trace.steps.filter((s) => !zoomed.has(s.index) && reasoning(s));
  const plan = planStrip({
    image: trace.image,
    crops: zooms.map((z) => ({
      stepIndex: z.step.index,
      size: { width: z.action.crop.width, height: z.action.crop.height },
    })),
    notes: others.map((s) => ({ stepIndex: s.index })),
  });
  const canvas = new OffscreenCanvas(plan.width, plan.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser refused a 2D canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, plan.width, plan.height);

  ctx.fillStyle = '#111827';
  ctx.font = `600 30px ${FONT}`;
  ctx.fillText(ellipsize(ctx, trace.question, plan.header.width), plan.header.x, plan.header.y + 34);
  ctx.font = `22px ${FONT}`;
  ctx.fillStyle = '#374151';
  const answer =
    trace.finalAnswer !== undefined
      ? `Answer: ${trace.finalAnswer}`
      : `Ended: ${trace.endReason ?? 'unfinished'}`;
  ctx.fillText(
    ellipsize(
      ctx,
      `${answer}  ·  ${zooms.length} zoom${zooms.length === 1 ? '' : 's'}  ·  ${trace.modelId}`,
      plan.header.width,
    ),
    plan.header.x,
    plan.header.y + 72,
  );

  const original = await dataUrlToBitmap(trace.image.dataUrl);
  ctx.drawImage(original, plan.original.x, plan.original.y, plan.original.width, plan.original.height);
  original.close();
  const s = plan.original.width / trace.image.width;
  for (const z of zooms) {
    const [x1, y1, x2, y2] = z.action.call.bboxOriginal!;
    const c = stepColor(z.step.index);
    const r = {
      x: plan.original.x + x1 * s,
      y: plan.original.y + y1 * s,
      width: (x2 - x1) * s,
      height: (y2 - y1) * s,
    };
    frame(ctx, r, c.fill, 4);
    numberBadge(ctx, z.step.index + 1, r.x, Math.max(plan.original.y, r.y - 30), c);
  }

  for (const [i, z] of zooms.entries()) {
    const slot = plan.crops[i];
    const bmp = await dataUrlToBitmap(z.action.crop.dataUrl);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bmp, slot.image.x, slot.image.y, slot.image.width, slot.image.height);
    bmp.close();
    const c = stepColor(z.step.index);
    frame(ctx, slot.image, c.fill, 6);
    numberBadge(ctx, z.step.index + 1, slot.caption.x, slot.caption.y, c);
    ctx.fillStyle = '#111827';
    ctx.font = `600 20px ${FONT}`;
    ctx.fillText(
      ellipsize(ctx, z.action.call.label ?? z.action.call.name, slot.caption.width - 44),
      slot.caption.x + 44,
      slot.caption.y + 22,
    );
    ctx.fillStyle = '#6b7280';
    ctx.font = `16px ${FONT}`;
    const sizes = `${z.action.crop.width}×${z.action.crop.height} → ${z.action.crop.resizedWidth}×${z.action.crop.resizedHeight}`;
    ctx.fillText(ellipsize(ctx, sizes, slot.caption.width), slot.caption.x, slot.caption.y + 54);
    excerpt(ctx, reasoning(z.step), slot.excerpt);
  }

  for (const [i, step] of others.entries()) {
    const r = plan.notes[i].rect;
    ctx.fillStyle = '#f3f4f6';
    ctx.fillRect(r.x, r.y, r.width, r.height);
    const c = stepColor(step.index);
    numberBadge(ctx, step.index + 1, r.x + 16, r.y + 16, c);
    ctx.fillStyle = '#111827';
    ctx.font = `600 20px ${FONT}`;
    const a = step.action;
    const title =
      a.kind === 'answer' ? `Answer: ${a.text}` : a.kind === 'tool_error' ? 'Tool error' : 'Reasoning';
    ctx.fillText(ellipsize(ctx, title, r.width - 76), r.x + 60, r.y + 38);
    excerpt(ctx, reasoning(step), { x: r.x + 16, y: r.y + 62, width: r.width - 32, height: r.height - 78 });
  }
  return canvas.convertToBlob({ type: 'image/png' });
}
