/**
 * The model's token grid over the part of the picture an image covered (the whole picture, or a
 * zoom's box for its crop): one cell per image token (see patch-grid.ts).
 */
import { Shape } from 'react-konva';
import type { Rect, Transform } from '../geometry';
import type { PatchGrid } from '../patch-grid';

export function GridShape({ grid, t, area }: { grid: PatchGrid; t: Transform; area: Rect }) {
  return (
    <Shape
      listening={false}
      stroke="rgba(255,255,255,0.55)"
      strokeWidth={1}
      sceneFunc={(ctx, shape) => {
        const x0 = t.x + area.x * t.scale;
        const y0 = t.y + area.y * t.scale;
        const w = area.width * t.scale;
        const h = area.height * t.scale;
        ctx.beginPath();
        for (let c = 0; c <= grid.columns; c++) {
          const x = x0 + c * grid.cellWidth * t.scale;
          ctx.moveTo(x, y0);
          ctx.lineTo(x, y0 + h);
        }
        for (let r = 0; r <= grid.rows; r++) {
          const y = y0 + r * grid.cellHeight * t.scale;
          ctx.moveTo(x0, y);
          ctx.lineTo(x0 + w, y);
        }
        ctx.strokeShape(shape);
      }}
    />
  );
}
