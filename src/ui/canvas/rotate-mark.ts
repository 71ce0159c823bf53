/**
 * Where a rotate step's picture goes: the outline of the picture turned by the call's angle about
 * its centre, in original-image pixels, as `PIL.Image.rotate(angle, expand=True)` turns it
 * (counter-clockwise on screen for a positive angle; tools/rotate.ts).
 */
import type { TraceStep } from '../../agent/types';
import type { Point, Size } from './geometry';

export function rotatedCorners(picture: Size, angleDegrees: number): Point[] {
  const cx = picture.width / 2;
  const cy = picture.height / 2;
  const a = (angleDegrees * Math.PI) / 180;
  // Python's round(x, 15) as Pillow applies it: a quarter turn lands on whole pixels.
  const cos = Math.round(Math.cos(a) * 1e15) / 1e15;
  const sin = Math.round(Math.sin(a) * 1e15) / 1e15;
  const corners: Point[] = [
    { x: 0, y: 0 },
    { x: picture.width, y: 0 },
    { x: picture.width, y: picture.height },
    { x: 0, y: picture.height },
  ];
  // y points down: a counter-clockwise turn on screen takes (dx, dy) to (dx cos + dy sin, -dx sin + dy cos).
  return corners.map(({ x, y }) => {
    const dx = x - cx;
    const dy = y - cy;
    return { x: cx + dx * cos + dy * sin, y: cy - dx * sin + dy * cos };
  });
}

/** The angle of a rotate step, or null for any other step. */
export function rotateAngle(step: TraceStep | undefined): number | null {
  const a = step?.action;
  if (a?.kind !== 'tool_call' || a.call.name !== 'image_rotate_tool') return null;
  return a.call.angle ?? 0;
}
