/**
 * "What the model saw": the picture is resized (smart_resize) to multiples of 28 px, and each
 * 28x28 cell of the resized picture becomes one image token (14 px patches, merged 2x2). This maps
 * that grid back onto the original picture so it can be drawn over it.
 */
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
