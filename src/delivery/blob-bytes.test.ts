import { describe, expect, it } from 'vitest';
import { blobBytes } from './blob-bytes';

/** A Blob whose arrayBuffer() fails as Chromium's does when it cannot allocate the buffer. */
class UnreadableAtOnce extends Blob {
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.reject(
      new DOMException(
        'The requested file could not be read, typically due to permission problems that have occurred after a reference to a file was acquired.',
        'NotReadableError',
      ),
    );
  }
}

describe('blobBytes', () => {
  const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) & 255);

  it('reads a file whole', async () => {
    expect(await blobBytes(new Blob([bytes]))).toEqual(bytes);
  });

  it('reads it again through its stream after a NotReadableError: the same bytes', async () => {
    expect(await blobBytes(new UnreadableAtOnce([bytes]))).toEqual(bytes);
  });

  it('lets every other failure through', async () => {
    const failing = new Blob([bytes]);
    failing.arrayBuffer = () => Promise.reject(new TypeError('gone'));
    await expect(blobBytes(failing)).rejects.toThrow('gone');
  });
});
