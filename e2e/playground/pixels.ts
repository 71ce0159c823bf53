/**
 * Reading what the canvas really shows: where a box in original image pixels lands on the page
 * (the stage transform the app exposes plus the canvas element's position), and the colours of
 * screenshot pixels, decoded with pngjs.
 */
import type { Page } from '@playwright/test';
import { PNG } from 'pngjs';

export type Rgb = [number, number, number];
export interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function hexToRgb(hex: string): Rgb {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Largest per-channel difference. */
export function colourDistance(a: Rgb, b: Rgb): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

/** Where the box [x1, y1, x2, y2] (original image pixels) lies on the page, in CSS pixels. */
export async function boxOnPage(page: Page, box: readonly number[]): Promise<PageRect> {
  const t = await page.evaluate(() => window.__deepeyes!.stageTransform());
  const canvas = await page.getByTestId('image-stage').locator('canvas').first().boundingBox();
  if (!canvas) throw new Error('the image stage has no canvas on screen');
  const [x1, y1, x2, y2] = box;
  return {
    x: canvas.x + x1 * t.scale + t.x,
    y: canvas.y + y1 * t.scale + t.y,
    width: (x2 - x1) * t.scale,
    height: (y2 - y1) * t.scale,
  };
}

export interface Snapshot {
  /** The colour at a page point (CSS px; device scale factor 1). */
  at(x: number, y: number): Rgb;
  /** The pixel closest in colour to `want` within `radius` px of (x, y), and its distance. */
  nearest(x: number, y: number, want: Rgb, radius: number): { rgb: Rgb; distance: number };
}

/** A screenshot of `clip` decoded to pixels; points are given in page coordinates. */
export async function snapshot(page: Page, clip: PageRect): Promise<Snapshot> {
  const c = {
    x: Math.floor(clip.x),
    y: Math.floor(clip.y),
    width: Math.ceil(clip.width),
    height: Math.ceil(clip.height),
  };
  const png = PNG.sync.read(await page.screenshot({ clip: c }));
  const at = (x: number, y: number): Rgb => {
    const px = Math.min(png.width - 1, Math.max(0, Math.floor(x) - c.x));
    const py = Math.min(png.height - 1, Math.max(0, Math.floor(y) - c.y));
    const i = (py * png.width + px) * 4;
    return [png.data[i], png.data[i + 1], png.data[i + 2]];
  };
  return {
    at,
    nearest(x, y, want, radius) {
      let best = { rgb: at(x, y), distance: Infinity };
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const rgb = at(x + dx, y + dy);
          const distance = colourDistance(rgb, want);
          if (distance < best.distance) best = { rgb, distance };
        }
      }
      return best;
    },
  };
}
