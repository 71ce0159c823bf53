/**
 * Test helper: the test vectors printed in golden/public/README.md section 1, parsed from the
 * README itself so tests check against the reference text rather than a copy of it.
 */
import { GoldenSet } from './golden-set';

export interface GoldenTensorVector {
  name: string;
  seed: number;
  kind: string;
  bound: number;
  bits: number[];
}

export interface GoldenVectors {
  fnv: { input: string; hash: number }[];
  mulberry: { seed: number; outputs: number[] }[];
  tensors: GoldenTensorVector[];
}

export function readGoldenVectors(set: GoldenSet = GoldenSet.publicSet()): GoldenVectors {
  const readme = set.text('README.md');
  const fnv = [...readme.matchAll(/^fnv1a32\("(.*)"\) = (0x[0-9a-f]+)$/gm)].map((m) => ({
    input: m[1],
    hash: Number(m[2]),
  }));
  const mulberry = [...readme.matchAll(/^mulberry32\((0x[0-9a-f]+)\) first 10: \[([\d, ]+)\]$/gm)].map(
    (m) => ({
      seed: Number(m[1]),
      outputs: m[2].split(',').map((s) => Number(s.trim())),
    }),
  );
  const tensors = [
    ...readme.matchAll(
      /^(\S+): seed (0x[0-9a-f]+) kind (\w+) bound ([\d.e-]+)\n.*first 4 float32.*\n\s+bits \[([^\]]+)\]$/gm,
    ),
  ].map((m) => ({
    name: m[1],
    seed: Number(m[2]),
    kind: m[3],
    bound: Number(m[4]),
    bits: m[5].split(',').map((s) => Number(s.trim().replace(/'/g, ''))),
  }));
  return { fnv, mulberry, tensors };
}
