/**
 * A ground-truth box (an imported eval record's target): lime, short dashes, its "GT" tag at the
 * bottom right, outside, where no zoom tag (top left) sits.
 */
import { Group } from 'react-konva';
import type { Box } from '../../../base/types';
import { boxToStageRect, type Size, type Transform } from '../geometry';
import { TRUTH_COLOUR } from '../palette';
import { OutlinedRect } from './OutlinedRect';
import { TagLabel, tagWidth } from './TagLabel';

export function TruthBoxShape({
  box,
  t,
  stage,
  fontSize,
}: {
  box: Box;
  t: Transform;
  stage: Size;
  fontSize: number;
}) {
  const r = boxToStageRect(t, box);
  const text = 'GT';
  const w = tagWidth(text, fontSize);
  const x = Math.max(0, Math.min(r.x + r.width - w, stage.width - w));
  const y = Math.min(r.y + r.height + 3, stage.height - fontSize - 10);
  return (
    <Group listening={false}>
      <OutlinedRect r={r} colour={TRUTH_COLOUR.fill} width={2.5} dash={[5, 4]} />
      <TagLabel x={x} y={y} text={text} fontSize={fontSize} colour={TRUTH_COLOUR} />
    </Group>
  );
}
