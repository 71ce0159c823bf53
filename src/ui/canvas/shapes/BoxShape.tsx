/** A zoom's box: numbered, in its step's colour, emphasised when active, dashed while live. */
import { Group } from 'react-konva';
import { boxToStageRect, labelAnchor, type Size, type Transform } from '../geometry';
import { stepColor } from '../palette';
import type { StepBox } from '../step-boxes';
import { OutlinedRect } from './OutlinedRect';
import { TagLabel, tagWidth } from './TagLabel';

export interface BoxShapeProps {
  b: StepBox;
  t: Transform;
  stage: Size;
  active: boolean;
  dimmed: boolean;
  fontSize: number;
}

export function BoxShape({ b, t, stage, active, dimmed, fontSize }: BoxShapeProps) {
  const r = boxToStageRect(t, b.box);
  const c = stepColor(b.stepIndex);
  const text = `${b.stepIndex + 1}  ${b.label}`;
  const anchor = labelAnchor(r, fontSize + 10);
  anchor.x = Math.max(0, Math.min(anchor.x, stage.width - tagWidth(text, fontSize)));
  return (
    <Group opacity={dimmed ? 0.45 : 1} listening={false}>
      <OutlinedRect
        r={r}
        colour={c.fill}
        width={active ? 4 : 2.5}
        halo={active ? 7 : 5}
        dash={b.live ? [10, 6] : undefined}
      />
      <TagLabel x={anchor.x} y={anchor.y} text={text} fontSize={fontSize} colour={c} />
    </Group>
  );
}
