import { describe, expect, it } from 'vitest';
import { countBuffers } from './gpu-device';

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
