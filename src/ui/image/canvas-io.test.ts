import { describe, expect, it } from 'vitest';
import { dataUrlToBlob } from './canvas-io';

describe('dataUrlToBlob', () => {
  it('decodes a base64 PNG data URL to its bytes and type', async () => {
    const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff];
    const url = 'data:image/png;base64,' + Buffer.from(png).toString('base64');
    const blob = dataUrlToBlob(url);
    expect(blob.type).toBe('image/png');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual(png);
  });

  it('decodes a percent-encoded data URL', async () => {
    const blob = dataUrlToBlob('data:text/plain;charset=utf-8,a%20b%C3%A9');
    expect(await blob.text()).toBe('a bé');
    expect(blob.type).toBe('text/plain');
  });

  it('refuses something that is not a data URL', () => {
    expect(() => dataUrlToBlob('https://example.org/x.png')).toThrow(/not a data URL/);
  });
});
