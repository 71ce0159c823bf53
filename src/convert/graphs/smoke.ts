/**
 * A tiny graph (y = softmax(x @ W + b)) used to prove a backend works end to end: the builder's
 * bytes load, the EP runs MatMul/Add/Softmax, and the result matches a plain JS computation.
 */
import { GraphBuilder } from '../onnx/builder';

export const SMOKE_IN = 8;
export const SMOKE_OUT = 4;

function smokeWeights(): { w: Float32Array; b: Float32Array } {
  const w = new Float32Array(SMOKE_IN * SMOKE_OUT);
  for (let i = 0; i < w.length; i++) w[i] = Math.fround(Math.sin(i + 1) * 0.5);
  const b = Float32Array.from({ length: SMOKE_OUT }, (_, i) => Math.fround(0.1 * (i - 1)));
  return { w, b };
}

export function buildSmokeModel(): Uint8Array {
  const g = new GraphBuilder('smoke');
  const { w, b } = smokeWeights();
  const x = g.input('x', 'float32', ['batch', SMOKE_IN]);
  const wv = g.weight('w', { dtype: 'float32', dims: [SMOKE_IN, SMOKE_OUT], data: w });
  const bv = g.weight('b', { dtype: 'float32', dims: [SMOKE_OUT], data: b });
  const y = g.scope('dense', () => g.op1('Add', [g.op1('MatMul', [x, wv]), bv]));
  g.op('Softmax', [y], { attrs: { axis: -1 }, outputs: ['y'] });
  g.output('y', 'float32', ['batch', SMOKE_OUT]);
  return g.toBytes({ doc: 'deepeyes-web backend smoke test' });
}

/** The same computation in float64 JS, for checking a backend's answer. */
export function smokeReference(x: Float32Array): Float64Array {
  const { w, b } = smokeWeights();
  const rows = x.length / SMOKE_IN;
  const out = new Float64Array(rows * SMOKE_OUT);
  for (let r = 0; r < rows; r++) {
    const logits = Array.from({ length: SMOKE_OUT }, (_, o) => {
      let s = b[o];
      for (let i = 0; i < SMOKE_IN; i++) s += x[r * SMOKE_IN + i] * w[i * SMOKE_OUT + o];
      return s;
    });
    const m = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - m));
    const z = e.reduce((a, c) => a + c, 0);
    e.forEach((v, o) => (out[r * SMOKE_OUT + o] = v / z));
  }
  return out;
}

export function smokeInput(rows = 3): Float32Array {
  return Float32Array.from({ length: rows * SMOKE_IN }, (_, i) => Math.fround(Math.cos(i) * 2));
}
