import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkedBytes } from './chunked-bytes';
import { backoffDelay, fileUrl, looksLikeHtml, parseContentRange, rangeHeaders } from './http';
import { parseManifest, variantFiles } from './manifest-fetch';

const enc = (s: string) => new TextEncoder().encode(s);

describe('http helpers', () => {
  it('parses Content-Range (RFC 9110 14.4) and refuses what it cannot read', () => {
    expect(parseContentRange('bytes 100-199/1000')).toEqual({ start: 100, end: 199, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: undefined });
    expect(parseContentRange('bytes */1000')).toBeNull();
    expect(parseContentRange('bytes 9-0/10')).toBeNull();
    expect(parseContentRange(null)).toBeNull();
  });

  it('sniffs an HTML document after a BOM and whitespace, and nothing else', () => {
    expect(looksLikeHtml(enc('<!DOCTYPE html><html>'))).toBe(true);
    expect(looksLikeHtml(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('\n <HTML lang="en">')]))).toBe(true);
    expect(looksLikeHtml(enc('{"model_type":"qwen2_5_vl"}'))).toBe(false);
    expect(looksLikeHtml(new Uint8Array([0x08, 0x07, 0x12, 0x3c]))).toBe(false);
  });

  it('escapes each path segment below the base', () => {
    expect(fileUrl('https://h/m', 'onnx/a b#.onnx')).toBe('https://h/m/onnx/a%20b%23.onnx');
  });

  it('asks for the rest of a file from its offset (RFC 9110 14.1.2), nothing from byte 0', () => {
    expect(rangeHeaders(0)).toEqual({});
    expect(rangeHeaders(120_000)).toEqual({ Range: 'bytes=120000-' });
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = { attempts: 5, baseDelayMs: 500, maxDelayMs: 4000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p, () => 0.5))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(backoffDelay(1, p, () => 0)).toBe(375);
    expect(backoffDelay(1, p, () => 1)).toBe(625);
  });
});

describe('ChunkedBytes', () => {
  it('keeps bytes in fixed blocks, truncates and joins them', () => {
    const data = new Uint8Array(1000).map((_, i) => (i * 13) & 255);
    const c = new ChunkedBytes(64);
    for (let i = 0; i < data.length; i += 37) c.append(data.subarray(i, i + 37));
    expect(c.length).toBe(1000);
    expect([...c.chunks()].every((b) => b.length <= 64)).toBe(true);
    const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(digest(c.toBytes())).toBe(digest(data));
    c.truncate(130);
    c.append(data.subarray(130, 200));
    expect(digest(c.toBytes())).toBe(digest(data.subarray(0, 200)));
    c.truncate(0);
    expect(c.length).toBe(0);
    expect([...c.chunks()]).toEqual([]);
  });
});

describe('parseManifest', () => {
  const good = {
    format_version: 1,
    model_id: 'm',
    files: [{ path: 'config.json', bytes: 2, sha256: 'a'.repeat(64) }],
    variants: {
      q4: { files: ['config.json'], required_features: [], max_single_tensor_bytes: 2, total_bytes: 2 },
    },
  };
  it("accepts a converter manifest and lists a variant's files", () => {
    expect(variantFiles(parseManifest(JSON.stringify(good), 'x'), 'q4')).toEqual(good.files);
  });
  it('refuses non-JSON, a bad hash, an unknown variant file and an unsafe path', () => {
    expect(() => parseManifest('<!doctype html>', 'x')).toThrow(/not JSON/);
    const badHash = { ...good, files: [{ ...good.files[0], sha256: 'xyz' }] };
    expect(() => parseManifest(JSON.stringify(badHash), 'x')).toThrow(/files\.0\.sha256/);
    const stray = { ...good, variants: { q4: { ...good.variants.q4, files: ['other.bin'] } } };
    expect(() => parseManifest(JSON.stringify(stray), 'x')).toThrow(/lists other\.bin/);
    const escape = { ...good, files: [{ ...good.files[0], path: '../../etc/passwd' }] };
    expect(() => parseManifest(JSON.stringify(escape), 'x')).toThrow(/unsafe file path/);
  });
});
