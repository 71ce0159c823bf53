/**
 * The vision encoder's window plan (src/model/vision/plan.ts) as ONNX ops on image_grid_thw, so
 * the encoder takes only pixel_values and image_grid_thw, as transformers.js calls it. Every
 * table is closed-form integer arithmetic over Range indices (no sort, no loop):
 *
 *   merged token o = (f * lh + y) * lw + x, windows of span x span tokens, row-major, clipped:
 *     hy = min(span, lh - wy*span), ww = min(span, lw - wx*span)   (wy = y / span, wx = x / span)
 *     pos(o)  = f*lh*lw + wy*span*lw + hy*wx*span + (y % span)*ww + x % span   (windowed position)
 *     slot(o) = window(o) * P + unit * ((y % span)*ww + x % span)              (padded slot)
 *   window_index = inverse of pos (ScatterElements), merge_reverse = pos,
 *   patch_order / window_scatter = 4 rows per token; window w's slots j: start_w + (j < len_w ? j : 0);
 *   rotary cos/sin = rows of a constant table by each patch's (row, col).
 *
 * One image per call (image_grid_thw [1, 3]): full-attention blocks attend over all N rows.
 */
import type { VisionConfig } from '../../model/config';
import { visionInvFreq } from '../../model/vision/rotary';
import type { GraphBuilder } from '../onnx/builder';
import { makeReshape, makeUnsqueeze } from './ops';

/** Mask value of a padding slot, as src/model/vision/plan.ts WINDOW_MASK_PAD. */
const PAD = -1e9;

/**
 * Rows of the rotary table: positions 0..4095 along either side of the patch grid (57,344 px at
 * patch 14, beyond any max_pixels the processor allows). A table, not Cos/Sin ops: the values are
 * those of the CPU plan to the bit (Math.cos in double, then float32), where float32 Cos on
 * WebGPU measured 3e-4 of the peak off the golden vision embeddings.
 */
export const ROTARY_POSITIONS = 4096;

function rotaryTables(headDim: number): { cos: Float32Array; sin: Float32Array } {
  const inv = visionInvFreq(headDim);
  const q = inv.length;
  const cos = new Float32Array(ROTARY_POSITIONS * q);
  const sin = new Float32Array(ROTARY_POSITIONS * q);
  for (let pos = 0; pos < ROTARY_POSITIONS; pos++) {
    for (let i = 0; i < q; i++) {
      const angle = Math.fround(pos * inv[i]);
      cos[pos * q + i] = Math.cos(angle);
      sin[pos * q + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

export interface VisionPlanValues {
  patchOrder: string;
  /** [N, headDim] float32, windowed order. */
  rotaryCos: string;
  rotarySin: string;
  windowGather: string;
  windowMask: string;
  windowScatter: string;
  mergeReverse: string;
}

export function buildVisionPlanGraph(
  g: GraphBuilder,
  gridThw: string,
  cfg: Pick<VisionConfig, 'hiddenSize' | 'numHeads' | 'patchSize' | 'spatialMergeSize' | 'windowSize'>,
): VisionPlanValues {
  const m = cfg.spatialMergeSize;
  const unit = m * m;
  const span = cfg.windowSize / m / cfg.patchSize;
  const slots = (span * m) ** 2;
  const headDim = cfg.hiddenSize / cfg.numHeads;
  const quarter = headDim / 4;
  const i64 = (v: number) => g.scalar(v, 'int64', 'k');
  const bin = (op: string) => (a: string, b: string) => g.op1(op, [a, b]);
  const [add, sub, mul, div, min] = ['Add', 'Sub', 'Mul', 'Div', 'Min'].map(bin);
  const mod = (a: string, b: string) => g.op1('Mod', [a, b], { attrs: { fmod: 0 } });
  const range = (n: string) => g.op1('Range', [i64(0), n, i64(1)]);
  const col = (x: string) => makeUnsqueeze(g, x, [1]);
  const row = (x: string) => makeUnsqueeze(g, x, [0]);
  const flat = (x: string) => makeReshape(g, x, [-1]);

  const grid = makeReshape(g, gridThw, [3]);
  const dim = (i: number) => g.op1('Gather', [grid, i64(i)], { attrs: { axis: 0 } });
  const [gt, gh, gw] = [dim(0), dim(1), dim(2)];
  const lh = div(gh, i64(m));
  const lw = div(gw, i64(m));
  const plane = mul(lh, lw);
  const ceilDiv = (a: string) => div(add(a, i64(span - 1)), i64(span));
  const nWy = ceilDiv(lh);
  const nWx = ceilDiv(lw);
  const spanI = i64(span);
  // Window (wy, wx) geometry shared by the per-token and the per-window tables.
  const heightOf = (wy: string) => min(spanI, sub(lh, mul(wy, spanI)));
  const widthOf = (wx: string) => min(spanI, sub(lw, mul(wx, spanI)));
  const startOf = (f: string, wy: string, wx: string) =>
    add(add(mul(f, plane), mul(mul(wy, spanI), lw)), mul(mul(heightOf(wy), wx), spanI));

  return g.scope('plan', () => {
    const tokens = mul(gt, plane);
    const o = range(tokens);
    const f = div(o, plane);
    const r = mod(o, plane);
    const y = div(r, lw);
    const x = mod(r, lw);
    const wy = div(y, spanI);
    const wx = div(x, spanI);
    const inner = add(mul(mod(y, spanI), widthOf(wx)), mod(x, spanI));
    const pos = add(startOf(f, wy, wx), inner);
    const window = add(add(mul(f, mul(nWy, nWx)), mul(wy, nWx)), wx);
    const slot = add(mul(window, i64(slots)), mul(inner, i64(unit)));

    const windowIndex = g.op1('ScatterElements', [g.op1('Mul', [o, i64(0)]), pos, o], {
      attrs: { axis: 0 },
    });
    const quad = row(range(i64(unit)));
    const rowsOf = (perToken: string) => flat(add(col(perToken), quad));
    const patchOrder = rowsOf(mul(windowIndex, i64(unit)));
    const windowScatter = rowsOf(g.op1('Gather', [slot, windowIndex], { attrs: { axis: 0 } }));

    const w = range(mul(gt, mul(nWy, nWx)));
    const fw = div(w, mul(nWy, nWx));
    const wyw = mod(div(w, nWx), nWy);
    const wxw = mod(w, nWx);
    const start = mul(startOf(fw, wyw, wxw), i64(unit));
    const len = mul(mul(heightOf(wyw), widthOf(wxw)), i64(unit));
    const j = row(range(i64(slots)));
    const real = g.op1('Less', [j, col(len)]);
    const windowGather = flat(add(col(start), g.op1('Where', [real, j, i64(0)])));
    const windowMask = makeReshape(g, g.op1('Where', [real, g.scalar(0), g.scalar(PAD)]), [-1, 1, 1, slots]);

    // Rotary: (row, col) of each patch in the processor's merge-group order, then rows of a
    // cos/sin table by position (halves [row | col], repeated twice).
    const q = mod(patchOrder, mul(gh, gw));
    const group = div(q, i64(unit));
    const within = mod(q, i64(unit));
    const prow = add(mul(div(group, lw), i64(m)), div(within, i64(m)));
    const pcol = add(mul(mod(group, lw), i64(m)), mod(within, i64(m)));
    const table = (name: 'cos' | 'sin', data: Float32Array) =>
      g.constant({ dtype: 'float32', dims: [ROTARY_POSITIONS, quarter], data }, `rotary_${name}`);
    const tables = rotaryTables(headDim);
    const gatherRows = (tab: string, idx: string) => g.op1('Gather', [tab, idx], { attrs: { axis: 0 } });
    const lookup = (tab: string) => {
      const half = g.op1('Concat', [gatherRows(tab, prow), gatherRows(tab, pcol)], { attrs: { axis: 1 } });
      return g.op1('Concat', [half, half], { attrs: { axis: 1 } });
    };
    const rotaryCos = lookup(table('cos', tables.cos));
    const rotarySin = lookup(table('sin', tables.sin));
    return {
      patchOrder,
      rotaryCos,
      rotarySin,
      windowGather,
      windowMask,
      windowScatter,
      mergeReverse: pos,
    };
  });
}
