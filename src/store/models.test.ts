import { describe, expect, it } from 'vitest';
import { formatBytes, modelProgress, unmetNeeds, withFileProgress, type ModelEntry } from './models';

const entry: ModelEntry = {
  id: 'm',
  label: 'M',
  sizeBytes: 300,
  needs: { webgpu: true, shaderF16: true, memoryBytes: 1e9 },
  cache: 'absent',
  files: [],
};

describe('model progress', () => {
  it('tracks per-file progress and sums it', () => {
    expect(modelProgress(entry)).toBeNull();
    let e = withFileProgress(entry, 'a.onnx', 50, 100);
    e = withFileProgress(e, 'b.onnx', 0, 200);
    e = withFileProgress(e, 'a.onnx', 100, 100);
    expect(e.files.map((f) => f.file)).toEqual(['a.onnx', 'b.onnx']);
    expect(modelProgress(e)).toBeCloseTo(1 / 3);
    expect(entry.files).toEqual([]);
  });
  it('never reports more than done', () => {
    expect(modelProgress(withFileProgress(entry, 'a', 150, 100))).toBe(1);
  });
});

describe('unmetNeeds', () => {
  it('names missing WebGPU and shader-f16', () => {
    expect(unmetNeeds(entry, { webgpu: 'missing', shaderF16: false })).toEqual(['needs WebGPU']);
    expect(unmetNeeds(entry, { webgpu: 'available', shaderF16: false })).toEqual(['needs shader-f16']);
    expect(unmetNeeds(entry, { webgpu: 'available', shaderF16: true })).toEqual([]);
    expect(unmetNeeds(entry, { webgpu: 'available', shaderF16: true, deviceMemoryBytes: 4e8 })).toEqual([
      'needs about 1.0 GB of memory',
    ]);
    expect(
      unmetNeeds(
        { ...entry, needs: { webgpu: false, shaderF16: false, memoryBytes: 0 } },
        { webgpu: 'missing', shaderF16: false },
      ),
    ).toEqual([]);
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5_400_000_000)).toBe('5.4 GB');
    expect(formatBytes(123_456_789)).toBe('123 MB');
    expect(formatBytes(-1)).toBe('?');
  });
});
