/**
 * A ground-truth box (an imported eval record's target): lime, short dashes, its "GT" tag inside
 * its bottom-right corner, where no zoom's tag (above a box's top left) or edge of a box holding
 * it can cover it. Drawn over the zooms.
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
  const h = fontSize + 10;
  const x = Math.max(r.x, Math.min(r.x + r.width - w - 3, stage.width - w));
  const y = Math.max(r.y, Math.min(r.y + r.height - h - 3, stage.height - h));
  return (
    <Group listening={false}>
      <OutlinedRect r={r} colour={TRUTH_COLOUR.fill} width={2.5} dash={[5, 4]} />
      <TagLabel x={x} y={y} text={text} fontSize={fontSize} colour={TRUTH_COLOUR} />
    </Group>
  );
}
