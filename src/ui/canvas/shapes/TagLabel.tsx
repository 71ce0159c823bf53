/** A box's name tag: bold text on a filled, rounded tag. */
import { Label, Tag, Text } from 'react-konva';

/** Bold system-ui averages about 0.62 em per character: enough to keep a tag inside the stage. */
export function tagWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.62 + 10;
}

export function TagLabel({
  x,
  y,
  text,
  fontSize,
  colour,
}: {
  x: number;
  y: number;
  text: string;
  fontSize: number;
  colour: { fill: string; text: string };
}) {
  return (
    <Label x={x} y={y}>
      <Tag fill={colour.fill} cornerRadius={3} />
      <Text
        text={text}
        fontSize={fontSize}
        fontStyle="bold"
        padding={5}
        fill={colour.text}
        fontFamily="system-ui, sans-serif"
      />
    </Label>
  );
}
