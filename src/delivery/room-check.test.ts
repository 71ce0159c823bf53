import { describe, expect, it } from 'vitest';
import type { ManifestFile } from '../base/model-manifest';
import type { FileRecord } from './opfs-store';
import { bytesToFetch, formatBytes } from './room-check';

const file = (path: string, bytes: number, sha: string): ManifestFile => ({
  path,
  bytes,
  sha256: sha.repeat(64),
});
const rec = (f: ManifestFile, bytesWritten: number, sha = f.sha256): FileRecord => ({
  path: f.path,
  expectedBytes: f.bytes,
  sha256: sha,
  bytesWritten,
  verified: false,
});

describe('bytesToFetch', () => {
  it('subtracts what a record for the same SHA-256 says is stored, at most the file', () => {
    const a = file('a.bin', 1000, 'a');
    const b = file('b.bin', 500, 'b');
    const c = file('c.bin', 200, 'c');
    const d = file('d.bin', 300, 'd');
    // a: 1000 - 400 stored; b: a record of an older version counts nothing; c: no record;
    // d: a record claiming more than the file counts the whole file as stored.
    expect(bytesToFetch([a, b, c, d], [rec(a, 400), rec(b, 500, 'e'.repeat(64)), null, rec(d, 999)])).toBe(
      600 + 500 + 200 + 0,
    );
  });
});

describe('formatBytes (downloader messages)', () => {
  it('writes decimal MB below 1 GB and GB with two decimals above', () => {
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(1_000_000_000)).toBe('1.00 GB');
    expect(formatBytes(5_368_709_120)).toBe('5.37 GB');
  });
});
