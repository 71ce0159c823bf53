import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../onnx/builder';
import { f16ToF32, f32ToF16 } from '../safetensors/dtypes';
import { Q4_BLOB, dequantizeQ4, quantError, quantizeQ4, scalesAsF32, type Q4Tensor } from './q4';

/** Nibble i of row r. */
function nibble(t: Q4Tensor, r: number, i: number): number {
  const byte = t.data[(r * t.kBlocks + (i >> 5)) * Q4_BLOB + ((i & 31) >> 1)];
  return i & 1 ? byte >> 4 : byte & 15;
}

function block(values: number[]): Float32Array {
  const out = new Float32Array(32);
  out.set(values);
  return out;
}

describe('quantizeQ4: the scale and rounding rule (hand-computed)', () => {
  it('positive extreme: scale = -max/8, value*rs + 8 rounded half away from zero', () => {
    // max |v| = 8 at +8 -> scale -1, rs -1.
    const t = quantizeQ4(block([8, -7, 0.5, -0.5, 1.5, 2.5, -2.5, 0, 3.25]), 1, 32);
    expect(scalesAsF32(t)[0]).toBe(-1);
    // 8*-1+8=0; -7 -> 15; 0.5 -> 7.5 -> 8 (not round(-0.5)+8 = 7); -0.5 -> 8.5 -> 9;
    // 1.5 -> 6.5 -> 7; 2.5 -> 5.5 -> 6; -2.5 -> 10.5 -> 11; 0 -> 8; 3.25 -> 4.75 -> 5
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => nibble(t, 0, i))).toEqual([0, 15, 8, 9, 7, 6, 11, 8, 5]);
    expect(nibble(t, 0, 31)).toBe(8);
    expect(t.data[0]).toBe(0xf0);
    expect(Array.from(dequantizeQ4(t).subarray(0, 4))).toEqual([8, -7, -0, -1]);
  });

  it('negative extreme gives a positive scale; values past +7 clamp to 15', () => {
    const t = quantizeQ4(block([-4, 3.5, 3.75, 0.25, -0.25]), 1, 32);
    expect(scalesAsF32(t)[0]).toBe(0.5);
    // rs 2: -4 -> 0; 3.5 -> 15; 3.75 -> 15.5 -> 16 -> 15; 0.25 -> 8.5 -> 9; -0.25 -> 7.5 -> 8
    expect([0, 1, 2, 3, 4].map((i) => nibble(t, 0, i))).toEqual([0, 15, 15, 9, 8]);
  });

  it('a tie |max| == |min| keeps min (the negative value)', () => {
    const t = quantizeQ4(block([2, -2, 1]), 1, 32);
    expect(scalesAsF32(t)[0]).toBe(0.25);
    expect([0, 1, 2].map((i) => nibble(t, 0, i))).toEqual([15, 0, 12]);
  });

  it('an all-zero block gets scale -0 and nibbles 8', () => {
    const t = quantizeQ4(new Float32Array(64).fill(0).fill(1, 32), 1, 64);
    const s = scalesAsF32(t);
    expect(Object.is(s[0], -0)).toBe(true);
    expect(Array.from(t.data.subarray(0, 16))).toEqual(new Array(16).fill(0x88));
    expect(s[1]).toBe(-0.125);
    expect(Array.from(t.data.subarray(16, 32))).toEqual(new Array(16).fill(0x00));
  });

  it('a partial last block uses only its values and leaves the padding bytes 0', () => {
    const w = new Float32Array(40).fill(0.5);
    w[35] = -1;
    const t = quantizeQ4(w, 1, 40);
    expect(t.kBlocks).toBe(2);
    expect(scalesAsF32(t)[1]).toBe(0.125);
    // rs 8: 0.5 -> 12, -1 -> 0; bytes of elements 40..63 untouched.
    expect(Array.from(t.data.subarray(16, 32))).toEqual([
      0xcc, 0x0c, 0xcc, 0xcc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it('float16 scales round to nearest even before the reciprocal is taken', () => {
    // 0.8 -> f16 0.7998046875; -0.7998046875/8 is exact in f16: bits 0xae66.
    const t = quantizeQ4(block([0.8, -0.4]), 1, 32, 'float16');
    expect(t.scales[0]).toBe(0xae66);
    expect([0, 1, 2].map((i) => nibble(t, 0, i))).toEqual([0, 12, 8]);
  });

  it('reports max abs and relative RMS error', () => {
    const w = block([8, 0.5, 3.25]);
    const e = quantError(w, quantizeQ4(w, 1, 32));
    expect(e.maxAbs).toBe(0.5);
    expect(e.relRms).toBeCloseTo(Math.sqrt((0.25 + 0.0625) / (64 + 0.25 + 3.25 ** 2)), 12);
  });
});

function pseudoRandom(n: number, seed: number): Float32Array {
  let a = seed;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return Math.fround((a / 2 ** 32 - 0.5) * 0.2);
  });
}

async function runMatMulNBits(t: Q4Tensor, half: boolean): Promise<Float32Array> {
  const g = new GraphBuilder('q4');
  const ft = half ? 'float16' : 'float32';
  const a = g.input('A', ft, [t.k, t.k]);
  const b = g.weight('B', { dtype: 'uint8', dims: [t.n, t.kBlocks, Q4_BLOB], data: t.data });
  const s = g.weight('scales', { dtype: ft, dims: [t.n * t.kBlocks], data: t.scales });
  g.op('MatMulNBits', [a, b, s], {
    domain: 'com.microsoft',
    attrs: { K: t.k, N: t.n, bits: 4, block_size: 32 },
    outputs: ['Y'],
  });
  g.output('Y', ft, [t.k, t.n]);
  const session = await ort.InferenceSession.create(g.toBytes());
  const eye = new Float32Array(t.k * t.k);
  for (let i = 0; i < t.k; i++) eye[i * t.k + i] = 1;
  const input = half
    ? new ort.Tensor('float16', f32ToF16(eye), [t.k, t.k])
    : new ort.Tensor('float32', eye, [t.k, t.k]);
  const { Y } = await session.run({ A: input });
  await session.release();
  return half ? f16ToF32(Y.data as Uint16Array) : (Y.data as Float32Array);
}

/** Y = I @ dequant(W)^T = dequant(W)^T, so Y[k, n] must equal our dequantization exactly. */
function expectTransposedEqual(y: Float32Array, dq: Float32Array, n: number, k: number): void {
  let mismatches = 0;
  for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) if (y[i * n + r] !== dq[r * k + i]) mismatches++;
  expect(mismatches).toBe(0);
}

describe('MatMulNBits in onnxruntime-node reads our packing', () => {
  for (const k of [96, 100]) {
    it(`fp32, K=${k}: identity A returns our dequantized weights exactly`, async () => {
      const n = 7;
      const t = quantizeQ4(pseudoRandom(n * k, k), n, k);
      expectTransposedEqual(await runMatMulNBits(t, false), dequantizeQ4(t), n, k);
    });
  }

  it('fp16 (q4f16): identity A returns our dequantized weights rounded to fp16', async () => {
    const n = 6;
    const k = 64;
    const t = quantizeQ4(pseudoRandom(n * k, 3), n, k, 'float16');
    const dq16 = f16ToF32(f32ToF16(dequantizeQ4(t)));
    expectTransposedEqual(await runMatMulNBits(t, true), dq16, n, k);
  });
});

describe('GatherBlockQuantized in onnxruntime-node (int4 embedding table)', () => {
  it('gathers rows equal to our dequantization', async () => {
    const v = 10;
    const h = 64;
    const t = quantizeQ4(pseudoRandom(v * h, 9), v, h);
    const g = new GraphBuilder('gbq');
    const ids = g.input('ids', 'int64', [1, 3]);
    const data = g.weight('data', { dtype: 'uint8', dims: [v, h / 2], data: t.data });
    const scales = g.weight('scales', { dtype: 'float32', dims: [v, t.kBlocks], data: t.scales });
    g.op('GatherBlockQuantized', [data, ids, scales], {
      domain: 'com.microsoft',
      attrs: { gather_axis: 0, quantize_axis: 1, block_size: 32, bits: 4 },
      outputs: ['out'],
    });
    g.output('out', 'float32', [1, 3, h]);
    const session = await ort.InferenceSession.create(g.toBytes());
    const rows = [7, 0, 3];
    const { out } = await session.run({
      ids: new ort.Tensor('int64', BigInt64Array.from(rows.map(BigInt)), [1, 3]),
    });
    await session.release();
    const dq = dequantizeQ4(t);
    const want = new Float32Array(rows.flatMap((r) => Array.from(dq.subarray(r * h, (r + 1) * h))));
    expect(out.dims).toEqual([1, 3, h]);
    expect(Array.from(out.data as Float32Array)).toEqual(Array.from(want));
  });
});
