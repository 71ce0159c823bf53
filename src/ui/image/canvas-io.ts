/** Small browser helpers to move pixels between bitmaps, canvases, blobs and data URLs. */

export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error ?? new Error('could not read the image data'));
    r.readAsDataURL(blob);
  });
}

/** A region of `source` (default: all of it) as a PNG data URL, at its own pixel size. */
export async function regionToPngDataUrl(
  source: CanvasImageSource & { width: number; height: number },
  region: { x: number; y: number; width: number; height: number } = {
    x: 0,
    y: 0,
    width: source.width,
    height: source.height,
  },
): Promise<string> {
  const canvas = new OffscreenCanvas(region.width, region.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser refused a 2D canvas');
  ctx.drawImage(source, region.x, region.y, region.width, region.height, 0, 0, region.width, region.height);
  return blobToDataUrl(await canvas.convertToBlob({ type: 'image/png' }));
}

/**
 * A data URL's bytes as a Blob, decoded here rather than fetched: the page's Content-Security-Policy
 * leaves data: out of connect-src, so fetch() of a data URL is refused in the production build.
 */
export function dataUrlToBlob(url: string): Blob {
  const head = /^data:([^;,]*)((?:;[^;,]*)*),/.exec(url);
  if (!head) throw new Error('not a data URL');
  const body = url.slice(head[0].length);
  let bytes: Uint8Array<ArrayBuffer>;
  if (/;base64$/i.test(head[2])) {
    const bin = atob(body);
    bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  } else {
    bytes = new TextEncoder().encode(decodeURIComponent(body));
  }
  return new Blob([bytes], { type: head[1] || 'text/plain' });
}

export async function dataUrlToBitmap(url: string): Promise<ImageBitmap> {
  return createImageBitmap(dataUrlToBlob(url));
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  // subtle.digest takes only ArrayBuffer-backed views; copy if this one sits on a shared buffer.
  const view = data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', view);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
