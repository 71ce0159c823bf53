/**
 * Image sniffing from bytes, before anything is decoded: the format (file names and MIME types
 * lie), the declared size (to refuse decompression bombs without allocating them), whether the
 * file is animated, and whether it is cut short. Pure; reads headers and container structure only.
 */
import {
  DecompressionBombError,
  EmptyFileError,
  ExtremeAspectError,
  TruncatedImageError,
  UnsupportedFormatError,
} from './image-errors';

export type ImageFormat =
  'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'heic' | 'avif' | 'svg' | 'tiff' | 'unknown';

export interface SniffResult {
  format: ImageFormat;
  mime: string;
  /** Declared in the header; null when the header is too short to say. */
  width: number | null;
  height: number | null;
  animated: boolean;
  /** Why the file looks cut short, or null. */
  truncated: string | null;
}

export const MIME: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  heic: 'image/heic',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  tiff: 'image/tiff',
  unknown: 'application/octet-stream',
};

const ascii = (b: Uint8Array, at: number, n: number) =>
  at + n <= b.length ? String.fromCharCode(...b.subarray(at, at + n)) : '';
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u32be = (b: Uint8Array, at: number) =>
  ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32le = (b: Uint8Array, at: number) =>
  (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + ((b[at + 3] << 24) >>> 0);
const i32le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

export function detectFormat(b: Uint8Array): ImageFormat {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a)
    return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (ascii(b, 0, 2) === 'BM' && b.length >= 14) return 'bmp';
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') return 'tiff';
  if (ascii(b, 4, 4) === 'ftyp') {
    // The major brand, then the compatible brands: any of them may name the image kind.
    const size = Math.min(u32be(b, 0), b.length, 64);
    const brands = [ascii(b, 8, 4)];
    for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(b, at, 4));
    if (brands.some((x) => AVIF_BRANDS.has(x))) return 'avif';
    if (brands.some((x) => HEIC_BRANDS.has(x))) return 'heic';
  }
  if (looksLikeSvg(b)) return 'svg';
  return 'unknown';
}

function looksLikeSvg(b: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(b.subarray(0, 1024))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return (
    (head.startsWith('<?xml') ||
      head.startsWith('<svg') ||
      head.startsWith('<!--') ||
      head.startsWith('<!DOCTYPE svg')) &&
    /<svg[\s>]/i.test(head)
  );
}

interface Parsed {
  width: number | null;
  height: number | null;
  animated: boolean;
  truncated: string | null;
}

/** PNG: IHDR for the size, acTL for APNG, and an unbroken chunk chain to IEND. */
function parsePng(b: Uint8Array): Parsed {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR')
    return { width: null, height: null, animated: false, truncated: 'no IHDR header' };
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  let animated = false;
  let at = 8;
  while (at + 8 <= b.length) {
    const len = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    const end = at + 12 + len;
    if (end > b.length)
      return { width, height, animated, truncated: `the ${type} chunk ends past the end of the file` };
    if (type === 'acTL') animated = true;
    if (type === 'IEND') return { width, height, animated, truncated: null };
    at = end;
  }
  return { width, height, animated, truncated: 'no IEND chunk' };
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** JPEG: walk the marker segments to the first SOF for the size, then look for EOI after the scan. */
function parseJpeg(b: Uint8Array): Parsed {
  let width: number | null = null;
  let height: number | null = null;
  let at = 2;
  let scanStart = -1;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return { width, height, animated: false, truncated: 'a marker segment is damaged' };
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const len = u16be(b, at + 2);
    if (at + 2 + len > b.length)
      return { width, height, animated: false, truncated: 'a header segment ends past the end of the file' };
    if (isSof(marker) && len >= 7) {
      height = u16be(b, at + 5);
      width = u16be(b, at + 7);
    }
    if (marker === 0xda) {
      scanStart = at + 2 + len;
      break;
    }
    at += 2 + len;
  }
  if (scanStart < 0) return { width, height, animated: false, truncated: 'no image data (SOS) found' };
  // Data appended after EOI (motion photos, vendor trailers) is fine; a missing EOI is not.
  for (let i = scanStart; i + 1 < b.length; i++) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) return { width, height, animated: false, truncated: null };
  }
  return { width, height, animated: false, truncated: 'the end-of-image marker is missing' };
}

/** GIF: the logical screen size, then walk the blocks counting frames up to the trailer. */
function parseGif(b: Uint8Array): Parsed {
  if (b.length < 13)
    return { width: null, height: null, animated: false, truncated: 'the header is incomplete' };
  const width = u16le(b, 6);
  const height = u16le(b, 8);
  let at = 13;
  if (b[10] & 0x80) at += 3 * (1 << ((b[10] & 0x07) + 1));
  let frames = 0;
  const skipSubBlocks = (p: number): number => {
    while (p < b.length && b[p] !== 0) p += b[p] + 1;
    return p + 1;
  };
  while (at < b.length) {
    const block = b[at];
    if (block === 0x3b) return { width, height, animated: frames > 1, truncated: null };
    if (block === 0x21) {
      at = skipSubBlocks(at + 2);
    } else if (block === 0x2c) {
      frames++;
      if (at + 10 > b.length) break;
      const flags = b[at + 9];
      at += 10;
      if (flags & 0x80) at += 3 * (1 << ((flags & 0x07) + 1));
      at = skipSubBlocks(at + 1); // +1: LZW minimum code size
    } else {
      return { width, height, animated: frames > 1, truncated: 'an unknown block was found' };
    }
  }
  return { width, height, animated: frames > 1, truncated: 'the trailer is missing' };
}

/** WebP: size from VP8X (extended), VP8L (lossless) or VP8 (lossy); the RIFF size must fit. */
function parseWebp(b: Uint8Array): Parsed {
  const riffEnd = 8 + u32le(b, 4);
  const truncated = riffEnd > b.length ? 'the RIFF container is longer than the file' : null;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X' && b.length >= 30) {
    return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27), animated: (b[20] & 0x02) !== 0, truncated };
  }
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = u32le(b, 21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff), animated: false, truncated };
  }
  if (chunk === 'VP8 ' && b.length >= 30 && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, animated: false, truncated };
  }
  return { width: null, height: null, animated: false, truncated: truncated ?? 'no VP8/VP8L/VP8X header' };
}

function parseBmp(b: Uint8Array): Parsed {
  if (b.length < 26)
    return { width: null, height: null, animated: false, truncated: 'the header is incomplete' };
  const declared = u32le(b, 2);
  const headerSize = u32le(b, 14);
  // The old OS/2 header stores 16-bit sizes.
  const [width, height] =
    headerSize === 12 ? [u16le(b, 18), u16le(b, 20)] : [Math.abs(i32le(b, 18)), Math.abs(i32le(b, 22))];
  const truncated = declared > b.length ? `${declared} bytes declared, ${b.length} present` : null;
  return { width, height, animated: false, truncated };
}

/** HEIF/AVIF: the largest 'ispe' (image spatial extents) property is the primary image's size. */
function parseIsoBmff(b: Uint8Array): Parsed {
  let width: number | null = null;
  let height: number | null = null;
  const limit = Math.min(b.length, 1 << 20);
  for (let i = 4; i + 16 <= limit; i++) {
    if (b[i] === 0x69 && b[i + 1] === 0x73 && b[i + 2] === 0x70 && b[i + 3] === 0x65) {
      const w = u32be(b, i + 8);
      const h = u32be(b, i + 12);
      if (width === null || w * h > width * (height ?? 0)) {
        width = w;
        height = h;
      }
    }
  }
  return { width, height, animated: false, truncated: width === null ? 'no image size (ispe) found' : null };
}

export function sniffImage(bytes: Uint8Array): SniffResult {
  const format = detectFormat(bytes);
  const none: Parsed = { width: null, height: null, animated: false, truncated: null };
  const parsers: Partial<Record<ImageFormat, (b: Uint8Array) => Parsed>> = {
    png: parsePng,
    jpeg: parseJpeg,
    gif: parseGif,
    webp: parseWebp,
    bmp: parseBmp,
    heic: parseIsoBmff,
    avif: parseIsoBmff,
  };
  const parsed = parsers[format]?.(bytes) ?? none;
  return { format, mime: MIME[format], ...parsed };
}

export interface ImageLimits {
  /** Declared pixels above this are refused before decoding, whatever the file size. */
  maxPixels: number;
  /** Qwen2.5-VL's smart_resize refuses aspect ratios over 200. */
  maxAspect: number;
  /**
   * Above `ratioCheckPixels`, declared pixels per byte of file above this are refused as a
   * decompression bomb: a photo needs far more than a byte per thousand pixels.
   */
  maxPixelsPerByte?: number;
  ratioCheckPixels?: number;
}

/**
 * 200 MP is what the largest phone and medium-format sensors make (16320x12240). Their files
 * run to tens of MB (well under 10 pixels per byte); deflate cannot pack 8-bit pixels much past
 * 1000 per byte, so a header declaring more than that is a bomb. Below 16 MP (64 MB of RGBA) the
 * decode is affordable whatever the file is.
 */
export const DEFAULT_LIMITS: ImageLimits = {
  maxPixels: 200_000_000,
  maxAspect: 200,
  maxPixelsPerByte: 1000,
  ratioCheckPixels: 16_000_000,
};

const FORMAT_NAMES: Record<ImageFormat, string> = {
  png: 'PNG',
  jpeg: 'JPEG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  heic: 'HEIC',
  avif: 'AVIF',
  svg: 'SVG',
  tiff: 'TIFF',
  unknown: 'unknown',
};

export function formatName(f: ImageFormat): string {
  return FORMAT_NAMES[f];
}

/**
 * Sniff and vet a file for the playground. Throws an ImageInputError subclass for: empty files,
 * SVG (a vector drawing, and a script carrier), TIFF and unknown bytes, files cut short,
 * declared sizes over `maxPixels`, and aspect ratios over `maxAspect`.
 */
export function inspectImage(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_LIMITS,
  name?: string,
): SniffResult {
  if (bytes.length === 0) throw new EmptyFileError(name);
  const r = sniffImage(bytes);
  if (r.format === 'svg') {
    throw new UnsupportedFormatError('SVG', 'it is a drawing, not a photo; export it as PNG first');
  }
  if (r.format === 'tiff')
    throw new UnsupportedFormatError('TIFF', 'browsers do not decode it; convert it to PNG or JPEG');
  if (r.format === 'unknown') {
    throw new UnsupportedFormatError(
      'This file',
      'it is not a PNG, JPEG, GIF, WebP, BMP, HEIC or AVIF image',
    );
  }
  const fname = FORMAT_NAMES[r.format];
  if (r.width === null || r.height === null)
    throw new TruncatedImageError(fname, r.truncated ?? 'no size in the header');
  if (r.width === 0 || r.height === 0)
    throw new TruncatedImageError(fname, `it declares a ${r.width}x${r.height} size`);
  const pixels = r.width * r.height;
  if (pixels > limits.maxPixels) throw new DecompressionBombError(r.width, r.height, limits.maxPixels);
  if (
    limits.maxPixelsPerByte !== undefined &&
    pixels > (limits.ratioCheckPixels ?? 0) &&
    pixels > bytes.length * limits.maxPixelsPerByte
  )
    throw new DecompressionBombError(r.width, r.height, limits.maxPixels, bytes.length);
  if (Math.max(r.width, r.height) / Math.min(r.width, r.height) > limits.maxAspect) {
    throw new ExtremeAspectError(r.width, r.height, limits.maxAspect);
  }
  if (r.truncated) throw new TruncatedImageError(fname, r.truncated);
  return r;
}
