/** Darkens everything but the active box, so a room can see what the model looked at. */
import { Shape } from 'react-konva';
import type { Rect, Size } from '../geometry';

export function Spotlight({ rect, size }: { rect: Rect; size: Size }) {
  return (
    <Shape
      listening={false}
      sceneFunc={(ctx, shape) => {
        ctx.beginPath();
        ctx.rect(0, 0, size.width, size.height);
        ctx.rect(rect.x + rect.width, rect.y, -rect.width, rect.height);
        ctx.closePath();
        ctx.fillShape(shape);
      }}
      fill="rgba(0,0,0,0.45)"
    />
  );
}
