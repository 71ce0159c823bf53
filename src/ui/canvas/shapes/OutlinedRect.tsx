/** A stroked rectangle over a dark halo, so the colour stays visible on any photo. */
import { Rect } from 'react-konva';
import type { Rect as R } from '../geometry';

export function OutlinedRect({
  r,
  colour,
  width,
  halo = 5,
  dash,
}: {
  r: R;
  colour: string;
  /** Stroke width of the colour. */
  width: number;
  /** Stroke width of the dark halo under it. */
  halo?: number;
  dash?: number[];
}) {
  return (
    <>
      <Rect x={r.x} y={r.y} width={r.width} height={r.height} stroke="rgba(0,0,0,0.55)" strokeWidth={halo} />
      <Rect
        x={r.x}
        y={r.y}
        width={r.width}
        height={r.height}
        stroke={colour}
        strokeWidth={width}
        dash={dash}
      />
    </>
  );
}
