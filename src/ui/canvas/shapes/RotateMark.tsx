/**
 * A rotate step on the picture: where the turned picture lies (its outline, dashed, in the step's
 * colour) and the angle named at the centre, since a rotation has no box to draw.
 */
import { Group, Line } from 'react-konva';
import type { Size, Transform } from '../geometry';
import { stepColor } from '../palette';
import { rotatedCorners } from '../rotate-mark';
import { TagLabel, tagWidth } from './TagLabel';

export function RotateMark({
  stepIndex,
  angle,
  picture,
  t,
  fontSize,
}: {
  stepIndex: number;
  angle: number;
  picture: Size;
  t: Transform;
  fontSize: number;
}) {
  const c = stepColor(stepIndex);
  const points = rotatedCorners(picture, angle).flatMap((p) => [t.x + p.x * t.scale, t.y + p.y * t.scale]);
  const text = `${stepIndex + 1}  ↺ rotate ${angle}°`;
  const cx = t.x + (picture.width / 2) * t.scale;
  const cy = t.y + (picture.height / 2) * t.scale;
  return (
    <Group listening={false}>
      <Line points={points} closed stroke="rgba(0,0,0,0.55)" strokeWidth={6} />
      <Line points={points} closed stroke={c.fill} strokeWidth={3} dash={[14, 6]} />
      <TagLabel
        x={cx - tagWidth(text, fontSize) / 2}
        y={cy - (fontSize + 10) / 2}
        text={text}
        fontSize={fontSize}
        colour={c}
      />
    </Group>
  );
}
