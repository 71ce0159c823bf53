/**
 * The vision tower's 2D rotary table (transformers' Qwen2.5-VL `rot_pos_emb`): each patch has
 * (row, col) ids; half of the rotary frequencies turn with the row, half with the column.
 * Float32 steps as torch takes them: inv_freq in float32, angle = float32(pos * inv_freq).
 */
import type { GridThw } from '../image/patchify';

export const VISION_ROPE_THETA = 10000;

/** inv_freq of VisionRotaryEmbedding(dim = headDim / 2): headDim / 4 float32 values. */
export function visionInvFreq(headDim: number, theta = VISION_ROPE_THETA): Float32Array {
  const dim = headDim / 2;
  const f = Math.fround;
  const out = new Float32Array(dim / 2);
  for (let i = 0; i < out.length; i++) out[i] = f(1 / f(Math.pow(theta, f((2 * i) / dim))));
  return out;
}

/** (row, col) of patch p in the processor's merge-group order. */
export function patchRowCol(p: number, gridThw: GridThw, mergeSize: number): [number, number] {
  const [, gh, gw] = gridThw;
  const m = mergeSize;
  const q = p % (gh * gw);
  const group = Math.floor(q / (m * m));
  const inner = q % (m * m);
  const blocksPerRow = gw / m;
  const row = Math.floor(group / blocksPerRow) * m + Math.floor(inner / m);
  const col = (group % blocksPerRow) * m + (inner % m);
  return [row, col];
}

/**
 * cos/sin [rows, headDim] for the patches listed in `order` (row k describes patch order[k]):
 * freqs = concat(row * inv_freq, col * inv_freq), emb = concat(freqs, freqs).
 */
export function visionRotary(
  order: ArrayLike<number>,
  gridThw: GridThw,
  headDim: number,
  mergeSize: number,
): { cos: Float32Array; sin: Float32Array } {
  const inv = visionInvFreq(headDim);
  const q = inv.length;
  const half = headDim / 2;
  // Rows and columns share one table per position value, so trig runs max(h, w) * q times, not N * q.
  const positions = Math.max(gridThw[1], gridThw[2]);
  const cosTab = new Float32Array(positions * q);
  const sinTab = new Float32Array(positions * q);
  for (let pos = 0; pos < positions; pos++) {
    for (let i = 0; i < q; i++) {
      const angle = Math.fround(pos * inv[i]);
      cosTab[pos * q + i] = Math.cos(angle);
      sinTab[pos * q + i] = Math.sin(angle);
    }
  }
  const n = order.length;
  const cos = new Float32Array(n * headDim);
  const sin = new Float32Array(n * headDim);
  for (let k = 0; k < n; k++) {
    const [row, col] = patchRowCol(order[k], gridThw, mergeSize);
    const base = k * headDim;
    for (let j = 0; j < half; j++) {
      const at = j < q ? row * q + j : col * q + (j - q);
      cos[base + j] = cos[base + half + j] = cosTab[at];
      sin[base + j] = sin[base + half + j] = sinTab[at];
    }
  }
  return { cos, sin };
}
