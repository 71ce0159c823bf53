/**
 * "What the model saw": the picture is resized (smart_resize) to multiples of 28 px, and each
 * 28x28 cell of the resized picture becomes one image token (14 px patches, merged 2x2). This maps
 * that grid back onto the original picture so it can be drawn over it.
 */
import type { TraceStep } from '../../agent/types';

export interface PatchGrid {
  columns: number;
  rows: number;
  tokens: number;
  /** One cell's size in original-picture pixels. */
  cellWidth: number;
  cellHeight: number;
}

export const MERGED_PATCH = 28;

export function patchGrid(
  original: { width: number; height: number },
  resized: { width: number; height: number },
): PatchGrid {
  const columns = Math.round(resized.width / MERGED_PATCH);
  const rows = Math.round(resized.height / MERGED_PATCH);
  return {
    columns,
    rows,
    tokens: columns * rows,
    cellWidth: original.width / columns,
    cellHeight: original.height / rows,
  };
}

/** What the model was fed at each turn that carried an image: the picture, then each tool's crop. */
export interface TurnImage {
  /** 1-based turn whose prompt carried the image. */
  turn: number;
  what: string;
  width: number;
  height: number;
  tokens: number;
}

export function turnImages(
  picture: { resizedWidth: number; resizedHeight: number },
  steps: readonly TraceStep[],
): TurnImage[] {
  const seen = { width: picture.resizedWidth, height: picture.resizedHeight };
  const first = patchGrid(seen, seen);
  const out: TurnImage[] = [
    {
      turn: 1,
      what: 'picture',
      width: picture.resizedWidth,
      height: picture.resizedHeight,
      tokens: first.tokens,
    },
  ];
  for (const s of steps) {
    const a = s.action;
    if (a.kind !== 'tool_call') continue;
    out.push({
      // The crop goes back in the tool-response turn, the one after the step that asked for it.
      turn: s.index + 2,
      what: `${a.call.name === 'image_rotate_tool' ? 'rotated picture' : 'crop'} of step ${s.index + 1}`,
      width: a.crop.resizedWidth,
      height: a.crop.resizedHeight,
      tokens: a.crop.imageTokens,
    });
  }
  return out;
}
