/**
 * Geometry of the image canvas, kept pure: where the image sits in the stage (fit, zoom, pan),
 * where a box in ORIGINAL image pixels lands on screen, and which box a click hits.
 * A transform maps image pixels to stage pixels: stage = image * scale + (x, y).
 */

import type { CanvasView } from '../../store/slices/view-slice';

import type { Box } from '../../base/types';
export interface Size {
  width: number;
  height: number;
}
export interface Point {
  x: number;
  y: number;
}
export interface Rect extends Point, Size {}
export interface Transform {
  scale: number;
  x: number;
  y: number;
}

export const ZOOM_LIMITS = { min: 0.5, max: 40 } as const;

/** Largest scale at which the whole image fits inside the stage less `padding`, centred. */
export function fitTransform(image: Size, stage: Size, padding = 0): Transform {
  const availW = Math.max(1, stage.width - 2 * padding);
  const availH = Math.max(1, stage.height - 2 * padding);
  if (image.width <= 0 || image.height <= 0) return { scale: 1, x: stage.width / 2, y: stage.height / 2 };
  const scale = Math.min(availW / image.width, availH / image.height);
  return { scale, x: (stage.width - image.width * scale) / 2, y: (stage.height - image.height * scale) / 2 };
}

/** The fitted transform with the user's zoom (about the stage centre) and pan applied. */
export function viewTransform(fit: Transform, view: CanvasView, stage: Size): Transform {
  const cx = stage.width / 2;
  const cy = stage.height / 2;
  return {
    scale: fit.scale * view.zoom,
    x: cx - (cx - fit.x) * view.zoom + view.panX,
    y: cy - (cy - fit.y) * view.zoom + view.panY,
  };
}

export function clampZoom(zoom: number): number {
  return Math.min(ZOOM_LIMITS.max, Math.max(ZOOM_LIMITS.min, zoom));
}

/** The view after zooming by `factor` while the image point under `at` (stage px) stays put. */
export function zoomAt(view: CanvasView, fit: Transform, stage: Size, at: Point, factor: number): CanvasView {
  const t = viewTransform(fit, view, stage);
  const ip = stageToImage(t, at);
  const zoom = clampZoom(view.zoom * factor);
  const scale = fit.scale * zoom;
  const cx = stage.width / 2;
  const cy = stage.height / 2;
  return {
    zoom,
    panX: at.x - ip.x * scale - (cx - (cx - fit.x) * zoom),
    panY: at.y - ip.y * scale - (cy - (cy - fit.y) * zoom),
  };
}

export function panBy(view: CanvasView, dx: number, dy: number): CanvasView {
  return { ...view, panX: view.panX + dx, panY: view.panY + dy };
}

/** A view that shows `box` (image px) centred, filling about `fill` of the stage. */
export function viewForBox(box: Box, fit: Transform, stage: Size, fill = 0.6): CanvasView {
  const [x1, y1, x2, y2] = box;
  const w = Math.max(1, x2 - x1);
  const h = Math.max(1, y2 - y1);
  const zoom = clampZoom(
    Math.min((stage.width * fill) / (w * fit.scale), (stage.height * fill) / (h * fit.scale)),
  );
  const centred = zoomAt(
    { zoom, panX: 0, panY: 0 },
    fit,
    stage,
    { x: stage.width / 2, y: stage.height / 2 },
    1,
  );
  const t = viewTransform(fit, centred, stage);
  const c = imageToStage(t, { x: (x1 + x2) / 2, y: (y1 + y2) / 2 });
  return panBy(centred, stage.width / 2 - c.x, stage.height / 2 - c.y);
}

export function imageToStage(t: Transform, p: Point): Point {
  return { x: p.x * t.scale + t.x, y: p.y * t.scale + t.y };
}

export function stageToImage(t: Transform, p: Point): Point {
  return { x: (p.x - t.x) / t.scale, y: (p.y - t.y) / t.scale };
}

export function boxToStageRect(t: Transform, box: Box): Rect {
  const [x1, y1, x2, y2] = box;
  const a = imageToStage(t, { x: Math.min(x1, x2), y: Math.min(y1, y2) });
  const b = imageToStage(t, { x: Math.max(x1, x2), y: Math.max(y1, y2) });
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
}

export interface KeyedBox<K> {
  key: K;
  box: Box;
}

/**
 * The box under an image point. Nested or overlapping zooms are common (the model zooms into
 * its own previous crop region), so the smallest box wins; on equal areas, the later step.
 */
export function hitTestBoxes<K>(boxes: readonly KeyedBox<K>[], p: Point, tolerance = 0): K | null {
  let best: KeyedBox<K> | null = null;
  let bestArea = Infinity;
  for (const b of boxes) {
    const [x1, y1, x2, y2] = b.box;
    const inside =
      p.x >= Math.min(x1, x2) - tolerance &&
      p.x <= Math.max(x1, x2) + tolerance &&
      p.y >= Math.min(y1, y2) - tolerance &&
      p.y <= Math.max(y1, y2) + tolerance;
    if (!inside) continue;
    const area = Math.abs((x2 - x1) * (y2 - y1));
    if (area <= bestArea) {
      best = b;
      bestArea = area;
    }
  }
  return best ? best.key : null;
}

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

/** The stage corner farthest from a highlighted rect: where the crop preview hides the least. */
export function farthestCorner(rect: Rect, stage: Size): Corner {
  const cx = rect.x + rect.width / 2;
  const cy = rect.y + rect.height / 2;
  const right = cx < stage.width / 2;
  const bottom = cy < stage.height / 2;
  return `${bottom ? 'bottom' : 'top'}-${right ? 'right' : 'left'}`;
}

/** Where a box's label tag goes: above the box, or inside its top edge when there is no room. */
export function labelAnchor(rect: Rect, labelHeight: number): Point & { inside: boolean } {
  if (rect.y - labelHeight >= 0) return { x: rect.x, y: rect.y - labelHeight, inside: false };
  return { x: rect.x, y: rect.y, inside: true };
}
