/**
 * One colour per step, fixed so that "the orange box" means the same step on the canvas, in the
 * timeline and in exported PNGs. Chosen to stay distinct on photos and for common colour
 * blindness (Okabe-Ito based), each with a text colour readable on it.
 */
const PALETTE = [
  { fill: '#E69F00', text: '#000000' },
  { fill: '#56B4E9', text: '#000000' },
  { fill: '#009E73', text: '#FFFFFF' },
  { fill: '#F0E442', text: '#000000' },
  { fill: '#0072B2', text: '#FFFFFF' },
  { fill: '#D55E00', text: '#FFFFFF' },
  { fill: '#CC79A7', text: '#000000' },
  { fill: '#FFFFFF', text: '#000000' },
] as const;

export function stepColor(index: number): { fill: string; text: string } {
  const i = ((index % PALETTE.length) + PALETTE.length) % PALETTE.length;
  return PALETTE[i];
}

export const PALETTE_SIZE = PALETTE.length;

/**
 * The second run's boxes when two runs are compared: one colour for all of them, far from every
 * step colour above (each differs by at least 121 in some channel; the nearest is #CC79A7), and
 * drawn dashed as well.
 */
export const COMPARE_COLOUR = { fill: '#FF00FF', text: '#000000' } as const;

/**
 * The ground-truth box of an imported eval record: lime, far from every step colour (the nearest,
 * #009E73, differs by 97 in green) and from the compare magenta, drawn with short dashes and a
 * "GT" tag so it never reads as a zoom.
 */
export const TRUTH_COLOUR = { fill: '#39FF14', text: '#000000' } as const;
