/** A box of the compared run (B): one colour for all, dashed, its tag under the box. */
import { Group } from 'react-konva';
import { boxToStageRect } from '../geometry';
import { COMPARE_COLOUR } from '../palette';
import type { BoxShapeProps } from './BoxShape';
import { OutlinedRect } from './OutlinedRect';
import { TagLabel, tagWidth } from './TagLabel';

export function CompareBoxShape({ b, t, stage, fontSize }: Omit<BoxShapeProps, 'active' | 'dimmed'>) {
  const r = boxToStageRect(t, b.box);
  const text = `B${b.stepIndex + 1}  ${b.label}`;
  const x = Math.max(0, Math.min(r.x, stage.width - tagWidth(text, fontSize)));
  const y = Math.min(r.y + r.height + 3, stage.height - fontSize - 10);
  return (
    <Group listening={false}>
      <OutlinedRect r={r} colour={COMPARE_COLOUR.fill} width={2.5} dash={[12, 5]} />
      <TagLabel x={x} y={y} text={text} fontSize={fontSize} colour={COMPARE_COLOUR} />
    </Group>
  );
}
