/**
 * Deterministic weight values (golden/public/README.md section 1): every tensor is a
 * mulberry32 stream seeded by fnv1a32(SALT + ":" + NAME), scaled by a bound chosen from the
 * tensor's name. Pure and browser-safe; generation is chunked so a tensor of any size can be
 * streamed without holding it whole.
 */
import { fnv1a32 } from '../../model/prng';

export type WeightKind = 'embed' | 'bias' | 'norm' | 'fan_in';

export interface WeightRule {
  kind: WeightKind;
  /** Half-width of the uniform range (float64, as in the reference generator). */
  bound: number;
}

/** The bound rules, tested in the README's order. */
export function weightRule(name: string, shape: readonly number[]): WeightRule {
  if (name.endsWith('embed_tokens.weight')) return { kind: 'embed', bound: Math.sqrt(3) };
  if (name.endsWith('.bias')) return { kind: 'bias', bound: 0.01 * Math.sqrt(3) };
  if (name.endsWith('.weight') && (name.includes('norm') || name.includes('ln_q'))) {
    return { kind: 'norm', bound: 0.01 * Math.sqrt(3) };
  }
  let fanIn = 1;
  for (let i = 1; i < shape.length; i++) fanIn *= shape[i];
  return { kind: 'fan_in', bound: Math.sqrt(3 / fanIn) };
}

export function tensorSeed(salt: string, name: string): number {
  return fnv1a32(`${salt}:${name}`);
}

/** The values of one tensor, produced in row-major order across successive fill() calls. */
export class TensorValueStream {
  readonly rule: WeightRule;
  readonly seed: number;
  readonly total: number;
  private state: number;
  private produced = 0;

  constructor(salt: string, name: string, shape: readonly number[]) {
    this.rule = weightRule(name, shape);
    this.seed = tensorSeed(salt, name);
    this.state = this.seed >>> 0;
    this.total = shape.reduce((a, b) => a * b, 1);
  }

  get remaining(): number {
    return this.total - this.produced;
  }

  /** Fills `out` (or its first `remaining` elements); returns how many values were written. */
  fill(out: Float32Array): number {
    const n = Math.min(out.length, this.remaining);
    this.state =
      this.rule.kind === 'norm'
        ? fillAround1(out, n, this.state, this.rule.bound)
        : fillAround0(out, n, this.state, this.rule.bound);
    this.produced += n;
    return n;
  }
}

// mulberry32 is inlined in the two loops below: they produce every weight of a 16 GB checkpoint.
// 2*u = r / 2^31 exactly (r < 2^32), so `r * TWO_POW_M31 - 1` is the README's 2*u - 1, bit for bit.
// Float32Array stores round to nearest even, exactly like Math.fround.
const TWO_POW_M31 = 2 ** -31;

function fillAround0(out: Float32Array, n: number, state: number, bound: number): number {
  let a = state;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) * TWO_POW_M31 - 1) * bound;
  }
  return a;
}

function fillAround1(out: Float32Array, n: number, state: number, bound: number): number {
  let a = state;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = 1 + (((t ^ (t >>> 14)) >>> 0) * TWO_POW_M31 - 1) * bound;
  }
  return a;
}

/** The whole tensor as float32 (for tests and runtime checks on small tensors). */
export function tensorValues(salt: string, name: string, shape: readonly number[]): Float32Array {
  const s = new TensorValueStream(salt, name, shape);
  const out = new Float32Array(s.total);
  s.fill(out);
  return out;
}

/** Chunks of at most `chunkElements` values; the yielded array is reused between steps. */
export function* tensorValueChunks(
  salt: string,
  name: string,
  shape: readonly number[],
  chunkElements = 1 << 20,
): Generator<Float32Array> {
  const s = new TensorValueStream(salt, name, shape);
  const buf = new Float32Array(Math.max(1, Math.min(s.total, chunkElements)));
  while (s.remaining > 0) {
    const n = s.fill(buf);
    yield n === buf.length ? buf : buf.subarray(0, n);
  }
}
