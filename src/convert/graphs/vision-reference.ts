/**
 * A plain-TypeScript Qwen2.5-VL vision tower for checking the ONNX graph on small grids.
 * It follows HF transformers 4.50 literally (get_window_index, rot_pos_emb, eager
 * VisionAttention with a dense block-diagonal mask over cu_seqlens), so it shares no code
 * path with the graph's padded-window batching. O(N^2) memory: small grids only.
 */
import type { VisionConfig } from '../../model/config';

export type Grid = [number, number, number];

export interface WindowIndex {
  /** Merged-token ids in windowed order (HF window_index). */
  windowIndex: number[];
  /** Cumulative patch counts per window, consecutive duplicates removed (HF cu_window_seqlens). */
  cuWindowSeqlens: number[];
}

/** HF get_window_index for one image: windows of 4x4 merge units, padded at the bottom/right. */
export function windowIndexOf(grid: Grid, cfg: VisionConfig): WindowIndex {
  const [t, h, w] = grid;
  const m = cfg.spatialMergeSize;
  const vw = cfg.windowSize / m / cfg.patchSize;
  const lh = h / m;
  const lw = w / m;
  // HF pads by a whole window when the size is already a multiple (empty windows, removed below).
  const nh = (lh + vw - (lh % vw)) / vw;
  const nw = (lw + vw - (lw % vw)) / vw;
  const windowIndex: number[] = [];
  const cu = [0];
  for (let f = 0; f < t; f++) {
    for (let wy = 0; wy < nh; wy++) {
      for (let wx = 0; wx < nw; wx++) {
        let count = 0;
        for (let y = wy * vw; y < (wy + 1) * vw; y++) {
          for (let x = wx * vw; x < (wx + 1) * vw; x++) {
            if (y < lh && x < lw) {
              windowIndex.push(f * lh * lw + y * lw + x);
              count++;
            }
          }
        }
        const next = cu[cu.length - 1] + count * m * m;
        if (next !== cu[cu.length - 1]) cu.push(next);
      }
    }
  }
  return { windowIndex, cuWindowSeqlens: cu };
}

/** HF rot_pos_emb: per patch (processor order) [f(row) ++ f(col)], head_dim/2 float32 values. */
export function rotaryFreqs(grid: Grid, cfg: VisionConfig): Float32Array {
  const [t, h, w] = grid;
  const m = cfg.spatialMergeSize;
  const dim = cfg.hiddenSize / cfg.numHeads / 2;
  const quarter = dim / 2;
  const inv = Float32Array.from(
    { length: quarter },
    (_, i) => 1 / Math.fround(Math.pow(10000, Math.fround((2 * i) / dim))),
  );
  const out = new Float32Array(t * h * w * dim);
  let p = 0;
  for (let f = 0; f < t; f++) {
    for (let by = 0; by < h / m; by++) {
      for (let bx = 0; bx < w / m; bx++) {
        for (let dy = 0; dy < m; dy++) {
          for (let dx = 0; dx < m; dx++) {
            const row = by * m + dy;
            const col = bx * m + dx;
            for (let i = 0; i < quarter; i++) {
              out[p * dim + i] = Math.fround(row * inv[i]);
              out[p * dim + quarter + i] = Math.fround(col * inv[i]);
            }
            p++;
          }
        }
      }
    }
  }
  return out;
}

export type WeightLookup = (name: string) => Float32Array;

/** y[r] = x[r] W^T + b for a torch Linear weight [n, k]. */
function linearRef(
  x: Float64Array,
  rows: number,
  w: Float32Array,
  b: Float32Array | undefined,
  n: number,
  k: number,
): Float64Array {
  const y = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < n; o++) {
      let s = b ? b[o] : 0;
      for (let i = 0; i < k; i++) s += x[r * k + i] * w[o * k + i];
      y[r * n + o] = s;
    }
  }
  return y;
}

function rmsRef(x: Float64Array, rows: number, c: number, w: Float32Array, eps: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let i = 0; i < c; i++) ss += x[r * c + i] ** 2;
    const inv = 1 / Math.sqrt(ss / c + eps);
    for (let i = 0; i < c; i++) y[r * c + i] = x[r * c + i] * inv * w[i];
  }
  return y;
}

function erf(x: number): number {
  // Abramowitz-Stegun 7.1.26 is too coarse for 1e-5 checks; use the series / continued fraction split.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz), accurate for |x| >= 2.5.
  let f = ax;
  let cc = ax;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = 1 / d;
    cc = ax + an / cc;
    const delta = cc * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

/** HF vision forward for one image; returns [M, out_hidden] in the original merged-token order. */
export function denseVisionReference(
  pixels: Float32Array,
  grid: Grid,
  cfg: VisionConfig,
  weight: WeightLookup,
  eps = 1e-6,
): Float64Array {
  const n = grid[0] * grid[1] * grid[2];
  const c = cfg.hiddenSize;
  const heads = cfg.numHeads;
  const hd = c / heads;
  const unit = cfg.spatialMergeSize ** 2;
  const k0 = pixels.length / n;
  const { windowIndex, cuWindowSeqlens } = windowIndexOf(grid, cfg);

  const embedded = linearRef(
    Float64Array.from(pixels),
    n,
    weight('visual.patch_embed.proj.weight'),
    undefined,
    c,
    k0,
  );
  const freqs = rotaryFreqs(grid, cfg);
  let x = new Float64Array(n * c);
  const cos = new Float64Array(n * hd);
  const sin = new Float64Array(n * hd);
  for (let r = 0; r < n; r++) {
    const src = windowIndex[Math.floor(r / unit)] * unit + (r % unit);
    x.set(embedded.subarray(src * c, (src + 1) * c), r * c);
    for (let i = 0; i < hd; i++) {
      const f = freqs[src * (hd / 2) + (i % (hd / 2))];
      cos[r * hd + i] = Math.fround(Math.cos(f));
      sin[r * hd + i] = Math.fround(Math.sin(f));
    }
  }
  const segOf = (bounds: number[]): Int32Array => {
    const seg = new Int32Array(n);
    for (let s = 0; s + 1 < bounds.length; s++) seg.fill(s, bounds[s], bounds[s + 1]);
    return seg;
  };
  const windowSeg = segOf(cuWindowSeqlens);
  const fullSeg = segOf([0, n]);

  for (let b = 0; b < cfg.depth; b++) {
    const p = `visual.blocks.${b}`;
    const seg = cfg.fullattBlockIndexes.includes(b) ? fullSeg : windowSeg;
    const h = rmsRef(x, n, c, weight(`${p}.norm1.weight`), eps);
    const qkv = linearRef(h, n, weight(`${p}.attn.qkv.weight`), weight(`${p}.attn.qkv.bias`), 3 * c, c);
    const rope = (which: number, r: number, hh: number, i: number): number => {
      const at = (j: number) => qkv[r * 3 * c + which * c + hh * hd + j];
      const rot = i < hd / 2 ? -at(i + hd / 2) : at(i - hd / 2);
      return at(i) * cos[r * hd + i] + rot * sin[r * hd + i];
    };
    const q = new Float64Array(n * c);
    const k = new Float64Array(n * c);
    for (let r = 0; r < n; r++) {
      for (let hh = 0; hh < heads; hh++) {
        for (let i = 0; i < hd; i++) {
          q[r * c + hh * hd + i] = rope(0, r, hh, i);
          k[r * c + hh * hd + i] = rope(1, r, hh, i);
        }
      }
    }
    const attn = new Float64Array(n * c);
    const scores = new Float64Array(n);
    for (let hh = 0; hh < heads; hh++) {
      for (let r = 0; r < n; r++) {
        let max = -Infinity;
        for (let s = 0; s < n; s++) {
          if (seg[s] !== seg[r]) {
            scores[s] = -Infinity;
            continue;
          }
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[r * c + hh * hd + i] * k[s * c + hh * hd + i];
          scores[s] = dot / Math.sqrt(hd);
          max = Math.max(max, scores[s]);
        }
        let z = 0;
        for (let s = 0; s < n; s++) {
          scores[s] = Math.exp(scores[s] - max);
          z += scores[s];
        }
        for (let s = 0; s < n; s++) {
          if (scores[s] === 0) continue;
          for (let i = 0; i < hd; i++)
            attn[r * c + hh * hd + i] += (scores[s] / z) * qkv[s * 3 * c + 2 * c + hh * hd + i];
        }
      }
    }
    const o = linearRef(attn, n, weight(`${p}.attn.proj.weight`), weight(`${p}.attn.proj.bias`), c, c);
    for (let i = 0; i < x.length; i++) x[i] += o[i];
    const h2 = rmsRef(x, n, c, weight(`${p}.norm2.weight`), eps);
    const inter = cfg.intermediateSize;
    const gate = linearRef(
      h2,
      n,
      weight(`${p}.mlp.gate_proj.weight`),
      weight(`${p}.mlp.gate_proj.bias`),
      inter,
      c,
    );
    const up = linearRef(h2, n, weight(`${p}.mlp.up_proj.weight`), weight(`${p}.mlp.up_proj.bias`), inter, c);
    for (let i = 0; i < gate.length; i++) gate[i] = (gate[i] / (1 + Math.exp(-gate[i]))) * up[i];
    const down = linearRef(
      gate,
      n,
      weight(`${p}.mlp.down_proj.weight`),
      weight(`${p}.mlp.down_proj.bias`),
      c,
      inter,
    );
    x = x.map((v, i) => v + down[i]);
  }

  const m = n / unit;
  const merged = unit * c;
  const normed = rmsRef(x, n, c, weight('visual.merger.ln_q.weight'), eps);
  const h = linearRef(
    normed,
    m,
    weight('visual.merger.mlp.0.weight'),
    weight('visual.merger.mlp.0.bias'),
    merged,
    merged,
  );
  for (let i = 0; i < h.length; i++) h[i] = 0.5 * h[i] * (1 + erf(h[i] * Math.SQRT1_2));
  const out = cfg.outHiddenSize;
  const y = linearRef(
    h,
    m,
    weight('visual.merger.mlp.2.weight'),
    weight('visual.merger.mlp.2.bias'),
    out,
    merged,
  );
  const result = new Float64Array(m * out);
  windowIndex.forEach((orig, pos) => result.set(y.subarray(pos * out, (pos + 1) * out), orig * out));
  return result;
}
