/**
 * Images inside traces are PNG data URLs. A trace may come from anywhere (an imported file), so an
 * image field must really be base64 PNG bytes: checked by the prefix, the base64 alphabet and the
 * PNG signature of the decoded bytes, without decoding the whole image.
 */
export const PNG_DATA_URL_PREFIX = 'data:image/png;base64,';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why a string is not a PNG data URL, or undefined when it is one. */
export function pngDataUrlProblem(url: string): string | undefined {
  if (!url.startsWith(PNG_DATA_URL_PREFIX)) return `must start with "${PNG_DATA_URL_PREFIX}"`;
  const body = url.slice(PNG_DATA_URL_PREFIX.length);
  if (body.length % 4 !== 0 || !BASE64_BODY.test(body)) return 'the base64 payload is malformed';
  // 12 base64 chars = 9 bytes, enough for the 8-byte signature.
  if (body.length < 12) return 'the payload is too short to be a PNG';
  const head = atob(body.slice(0, 12));
  for (let i = 0; i < PNG_SIGNATURE.length; i++) {
    if (head.charCodeAt(i) !== PNG_SIGNATURE[i]) return 'the bytes are not a PNG (no PNG signature)';
  }
  return undefined;
}

export function isPngDataUrl(url: string): boolean {
  return pngDataUrlProblem(url) === undefined;
}

/** Encode PNG bytes as a data URL (for tests and for code that holds encoded PNG bytes). */
export function pngBytesToDataUrl(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return PNG_DATA_URL_PREFIX + btoa(bin);
}
