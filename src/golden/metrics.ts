/** Error measures used by the golden checks, with the tolerances' reasons stated where they are used. */

export function maxAbsDiff(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) return Infinity;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (!(d <= m)) m = d; // NaN propagates as NaN > anything is false: keep it visible
    if (Number.isNaN(d)) return NaN;
  }
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |got - ref| / max |ref|: the error relative to the largest reference value. */
export function relToPeak(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  const peak = maxAbs(ref);
  return maxAbsDiff(got, ref) / (peak === 0 ? 1 : peak);
}

/** Population standard deviation: the spread of a reference's own values. */
export function stdDev(a: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < a.length; i++) mean += a[i];
  mean /= a.length || 1;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  return Math.sqrt(v / (a.length || 1));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/** Index of the first element that differs, or -1 when equal (lengths count too). */
export function firstDifference(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  const n = Math.min(got.length, ref.length);
  for (let i = 0; i < n; i++) if (got[i] !== ref[i]) return i;
  return got.length === ref.length ? -1 : n;
}

/** Values of `logits` at the given ids. */
export function gatherAt(logits: Float32Array, ids: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: ids.length }, (_, i) => logits[ids[i]]);
}
