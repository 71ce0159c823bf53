/**
 * A trace's image field (`dataUrl`; `pngDataUrl` before trace version 2) holds a PNG data URL
 * (traces written before JPEG) or a JPEG one (src/agent/trace/trace-images.ts). Checked by prefix, base64 alphabet and
 * the format's signature, without decoding the image.
 */
import { pngDataUrlProblem } from './png-data-url';

const JPEG_PREFIX = 'data:image/jpeg;base64,';
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Why a string is not a PNG or JPEG data URL, or undefined when it is one. */
export function imageDataUrlProblem(url: string): string | undefined {
  if (!url.startsWith(JPEG_PREFIX)) return pngDataUrlProblem(url);
  const body = url.slice(JPEG_PREFIX.length);
  if (body.length % 4 !== 0 || !BASE64_BODY.test(body)) return 'the base64 payload is malformed';
  if (body.length < 8) return 'the payload is too short to be a JPEG';
  const head = atob(body.slice(0, 4));
  // Every JPEG starts with SOI (FF D8) then a marker (FF).
  if (head.charCodeAt(0) !== 0xff || head.charCodeAt(1) !== 0xd8 || head.charCodeAt(2) !== 0xff)
    return 'the bytes are not a JPEG (no SOI marker)';
  return undefined;
}
