import { describe, expect, it } from 'vitest';
import { allLimits, countBuffers } from './gpu-device';

/** A device whose buffers only remember whether they were destroyed (what a GPU would free). */
function fakeDevice() {
  const freed: number[] = [];
  let next = 0;
  return {
    freed,
    createBuffer(descriptor: { size: number }) {
      const id = next++;
      void descriptor;
      return { id, destroy: () => void freed.push(id) };
    },
  };
}

describe('countBuffers', () => {
  it('counts buffers and bytes from creation to destruction, each destroyed once', () => {
    const device = fakeDevice();
    const live = countBuffers(device);
    expect(live()).toEqual({ buffers: 0, bytes: 0 });
    const a = device.createBuffer({ size: 256 });
    const b = device.createBuffer({ size: 1024 });
    expect(live()).toEqual({ buffers: 2, bytes: 1280 });
    a.destroy();
    a.destroy(); // WebGPU allows it; the count does not go below what exists
    expect(live()).toEqual({ buffers: 1, bytes: 1024 });
    b.destroy();
    expect(live()).toEqual({ buffers: 0, bytes: 0 });
    // The real destroy still runs each time.
    expect(device.freed).toEqual([0, 0, 1]);
  });
});

describe('allLimits', () => {
  it('reads limits held as prototype getters, as a GPUSupportedLimits holds them', () => {
    class Limits {
      get maxBufferSize() {
        return 2 ** 31;
      }
      get maxStorageBuffersPerShaderStage() {
        return 10;
      }
    }
    for (const name of ['maxBufferSize', 'maxStorageBuffersPerShaderStage'])
      Object.defineProperty(Limits.prototype, name, { enumerable: true });
    expect(Object.keys(new Limits())).toEqual([]); // what Object.entries would have read
    expect(allLimits(new Limits())).toEqual({ maxBufferSize: 2 ** 31, maxStorageBuffersPerShaderStage: 10 });
  });
});
