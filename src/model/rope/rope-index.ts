/**
 * mRoPE position ids of Qwen2.5-VL (transformers `get_rope_index`, images only).
 * Text tokens get the same id on the t, h and w rows, counting on from the previous maximum
 * + 1. An image's merged tokens all start from the id its first token would have had as text
 * (`offset`): t = offset, h = offset + row, w = offset + col. Text after it continues from the
 * image's maximum + 1. rope_delta = max + 1 - length; a decode step at cache length L uses
 * L + rope_delta on all three rows.
 *
 * Because each block continues from the running maximum, a chunk appended to a conversation
 * only needs that maximum: `appendRopeIndex` equals slicing a full recompute.
 */
import { DeepEyesError } from '../../base/errors';
import type { GridThw } from '../image/patchify';

export interface RopeIndexOptions {
  imageTokenId?: number;
  spatialMergeSize?: number;
}

/** Position ids [3, length], row-major (t row, then h row, then w row). */
export interface MropePositions {
  length: number;
  data: Int32Array;
}

/** What a later chunk needs from everything before it. */
export interface RopeState {
  /** Tokens so far (= KV cache length once they are prefilled). */
  length: number;
  /** Largest position id so far + 1 (0 for an empty conversation). */
  nextPosition: number;
}

export const EMPTY_ROPE_STATE: RopeState = { length: 0, nextPosition: 0 };

export class RopeIndexError extends DeepEyesError {
  constructor(message: string) {
    super(
      'rope_index',
      `${message}; the <|image_pad|> runs in the ids must match the image grids one to one, in order`,
    );
    this.name = 'RopeIndexError';
  }
}

export function ropeDelta(state: RopeState): number {
  return state.nextPosition - state.length;
}

/** Positions of `ids` continuing from `state`; `grids` are the images of these ids, in order. */
export function appendRopeIndex(
  state: RopeState,
  ids: ArrayLike<number>,
  grids: readonly GridThw[],
  opts: RopeIndexOptions = {},
): { positions: MropePositions; state: RopeState } {
  const pad = opts.imageTokenId ?? 151655;
  const m = opts.spatialMergeSize ?? 2;
  const L = ids.length;
  const data = new Int32Array(3 * L);
  let next = state.nextPosition;
  let image = 0;
  let i = 0;
  while (i < L) {
    if (ids[i] !== pad) {
      data[i] = data[L + i] = data[2 * L + i] = next++;
      i++;
      continue;
    }
    const grid = grids[image];
    if (!grid)
      throw new RopeIndexError(`image ${image + 1} at token ${i} has no grid (${grids.length} given)`);
    const [t, gh, gw] = grid;
    const lh = gh / m;
    const lw = gw / m;
    const count = t * lh * lw;
    if (i + count > L)
      throw new RopeIndexError(`image ${image + 1} needs ${count} pads from token ${i}, the ids end first`);
    let k = i;
    for (let f = 0; f < t; f++) {
      for (let r = 0; r < lh; r++) {
        for (let c = 0; c < lw; c++) {
          if (ids[k] !== pad)
            throw new RopeIndexError(`image ${image + 1} has ${k - i} pads, its grid needs ${count}`);
          // Still images put every frame at temporal id 0 (transformers: second_per_grid_t = 0).
          data[k] = next;
          data[L + k] = next + r;
          data[2 * L + k] = next + c;
          k++;
        }
      }
    }
    next += Math.max(lh, lw);
    image++;
    i = k;
  }
  if (image !== grids.length) throw new RopeIndexError(`${grids.length} grids given, ${image} images found`);
  return { positions: { length: L, data }, state: { length: state.length + L, nextPosition: next } };
}

/** get_rope_index of a whole sequence: positions, rope_delta and the state for what follows. */
export function getRopeIndex(
  ids: ArrayLike<number>,
  grids: readonly GridThw[],
  opts: RopeIndexOptions = {},
): { positions: MropePositions; ropeDelta: number; state: RopeState } {
  const r = appendRopeIndex(EMPTY_ROPE_STATE, ids, grids, opts);
  return { ...r, ropeDelta: ropeDelta(r.state) };
}

/** Positions [3, L - start] of a chunk, by full recompute: get_rope_index(all)[:, start:]. */
export function chunkPositionIds(
  fullIds: ArrayLike<number>,
  grids: readonly GridThw[],
  startIndex: number,
  opts: RopeIndexOptions = {},
): MropePositions {
  const { positions } = getRopeIndex(fullIds, grids, opts);
  return slicePositions(positions, startIndex, positions.length);
}

export function slicePositions(p: MropePositions, start: number, end: number): MropePositions {
  const n = end - start;
  const data = new Int32Array(3 * n);
  for (let r = 0; r < 3; r++) data.set(p.data.subarray(r * p.length + start, r * p.length + end), r * n);
  return { length: n, data };
}

/** Positions of `steps` decode tokens fed after `state` (cache length + rope_delta, same on all rows). */
export function decodePositionIds(state: RopeState, steps = 1): MropePositions {
  const data = new Int32Array(3 * steps);
  const first = state.length + ropeDelta(state);
  for (let r = 0; r < 3; r++) for (let s = 0; s < steps; s++) data[r * steps + s] = first + s;
  return { length: steps, data };
}

/** Advance the state past `steps` decoded text tokens. */
export function advanceRopeState(state: RopeState, steps: number): RopeState {
  return { length: state.length + steps, nextPosition: state.nextPosition + steps };
}

/** As the decoder's int64 `position_ids` [3, 1, L] input. */
export function positionsToInt64(p: MropePositions): BigInt64Array {
  return BigInt64Array.from(p.data, (v) => BigInt(v));
}
