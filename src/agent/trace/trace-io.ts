/**
 * Reading and writing traces. parseTrace takes untrusted input (an imported file, IndexedDB, a
 * message) and returns a valid current-version Trace or throws one of the errors below.
 */
import { z } from 'zod';
import { DeepEyesError } from '../../base/errors';
import { sniffImage } from '../../image-io/sniff';
import type { Trace } from '../types';
import { migrations as defaultMigrations, type TraceMigration } from './migrations';
import { PNG_DATA_URL_PREFIX } from './png-data-url';
import { MAX_TRACE_JSON_BYTES, TRACE_FORMAT, TRACE_VERSION, traceSchema } from './schema';

/**
 * Limits on an embedded image's declared size, checked from its PNG header before anything
 * decodes it: a few hundred bytes of PNG can declare 60000x60000 (14 GB of RGBA). The app's
 * working picture is capped well below these; crops are smaller still.
 */
export const MAX_EMBEDDED_IMAGE_SIDE = 16_384;
export const MAX_EMBEDDED_IMAGE_PIXELS = 40_000_000;

export class TraceTooLargeError extends DeepEyesError {
  constructor(readonly bytes: number) {
    super(
      'trace_too_large',
      `the trace is ${(bytes / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_TRACE_JSON_BYTES / 2 ** 20} MiB. ` +
        'Use a smaller original image or fewer crops.',
    );
    this.name = 'TraceTooLargeError';
  }
}

export class TraceFormatError extends DeepEyesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('trace_format', `${message}. Is this a DeepEyes trace file (format "${TRACE_FORMAT}")?`, {
      cause: options?.cause,
    });
    this.name = 'TraceFormatError';
  }
}

export class TraceVersionError extends DeepEyesError {
  constructor(
    readonly version: unknown,
    message: string,
  ) {
    super('trace_version', message);
    this.name = 'TraceVersionError';
  }
}

export class TraceValidationError extends DeepEyesError {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    const shown = z.prettifyError({ issues: issues.slice(0, 20) } as z.ZodError);
    const more = issues.length > 20 ? `\n… and ${issues.length - 20} more problems` : '';
    super('trace_validation', `the trace is invalid:\n${shown}${more}`);
    this.name = 'TraceValidationError';
  }
}

/** UTF-8 length without allocating the encoded bytes (the limit is on bytes on disk). */
export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** An imported file's size, checked before a byte of it is read. */
export function checkTraceFileSize(bytes: number): void {
  if (bytes > MAX_TRACE_JSON_BYTES) throw new TraceTooLargeError(bytes);
}

export class TraceImageTooLargeError extends DeepEyesError {
  constructor(where: string, width: number, height: number) {
    super(
      'trace_image_too_large',
      `the trace's ${where} declares ${width}x${height} pixels; at most ` +
        `${MAX_EMBEDDED_IMAGE_SIDE} px a side and ${MAX_EMBEDDED_IMAGE_PIXELS / 1e6} megapixels are accepted`,
      { advice: 'This file was not made by DeepEyes, or was edited: export the trace again from the app.' },
    );
  }
}

export class TraceImageHeaderError extends DeepEyesError {
  constructor(where: string) {
    super('trace_image_malformed', `the trace's ${where} is not a PNG or JPEG with a readable header`, {
      advice: 'This file was not made by DeepEyes, or was damaged: export the trace again from the app.',
    });
  }
}

/** Width and height from a PNG data URL's IHDR chunk (the first 24 bytes), or null if absent. */
export function pngDataUrlDimensions(url: string): { width: number; height: number } | null {
  if (!url.startsWith(PNG_DATA_URL_PREFIX)) return null;
  let head: string;
  try {
    head = atob(url.slice(PNG_DATA_URL_PREFIX.length, PNG_DATA_URL_PREFIX.length + 32));
  } catch {
    return null;
  }
  if (head.length < 24 || head.slice(12, 16) !== 'IHDR') return null;
  const u32 = (at: number) =>
    ((head.charCodeAt(at) << 24) |
      (head.charCodeAt(at + 1) << 16) |
      (head.charCodeAt(at + 2) << 8) |
      head.charCodeAt(at + 3)) >>>
    0;
  return { width: u32(16), height: u32(20) };
}

const JPEG_DATA_URL_PREFIX = 'data:image/jpeg;base64,';

/**
 * Width and height declared by a PNG or JPEG data URL, read from its header (PNG: IHDR; JPEG: the
 * first start-of-frame segment, which may sit after EXIF, so the payload is decoded but never the
 * pixels), or null when there is no readable header.
 */
export function imageDataUrlDimensions(url: string): { width: number; height: number } | null {
  if (!url.startsWith(JPEG_DATA_URL_PREFIX)) return pngDataUrlDimensions(url);
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(url.slice(JPEG_DATA_URL_PREFIX.length)), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  const { format, width, height } = sniffImage(bytes);
  return format === 'jpeg' && width !== null && height !== null ? { width, height } : null;
}

/** Every embedded image of a (schema-valid) trace, with where it sits, for messages. */
export function embeddedImages(trace: Trace): { where: string; dataUrl: string }[] {
  const out = [{ where: 'picture', dataUrl: trace.image.dataUrl }];
  for (const step of trace.steps) {
    const a = step.action as { crop?: { dataUrl?: unknown } };
    if (typeof a.crop?.dataUrl === 'string')
      out.push({ where: `crop of step ${step.index + 1}`, dataUrl: a.crop.dataUrl });
  }
  return out;
}

function checkImageDimensions(trace: Trace): void {
  for (const { where, dataUrl } of embeddedImages(trace)) {
    const d = imageDataUrlDimensions(dataUrl);
    if (!d) throw new TraceImageHeaderError(where);
    const { width, height } = d;
    if (
      width === 0 ||
      height === 0 ||
      width > MAX_EMBEDDED_IMAGE_SIDE ||
      height > MAX_EMBEDDED_IMAGE_SIDE ||
      width * height > MAX_EMBEDDED_IMAGE_PIXELS
    )
      throw new TraceImageTooLargeError(where, width, height);
  }
}

function checkSize(json: string): void {
  // Cheap exits first: a string this short cannot exceed the limit, one this long always does.
  if (json.length * 3 <= MAX_TRACE_JSON_BYTES) return;
  if (json.length > MAX_TRACE_JSON_BYTES) throw new TraceTooLargeError(json.length);
  const bytes = utf8ByteLength(json);
  if (bytes > MAX_TRACE_JSON_BYTES) throw new TraceTooLargeError(bytes);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ParseTraceOptions {
  /** Replaces the built-in migrations (tests). */
  migrations?: Readonly<Record<number, TraceMigration>>;
}

function migrate(
  trace: Record<string, unknown>,
  table: Readonly<Record<number, TraceMigration>>,
): Record<string, unknown> {
  let current = trace;
  let version = current.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new TraceVersionError(
      version,
      `the trace has no integer "version" (got ${JSON.stringify(version)})`,
    );
  }
  if (version > TRACE_VERSION) {
    throw new TraceVersionError(
      version,
      `the trace is version ${version}, made by a newer app (this one reads up to ${TRACE_VERSION}); update the app`,
    );
  }
  while (version < TRACE_VERSION) {
    const step = Object.hasOwn(table, version) ? table[version] : undefined;
    if (!step) {
      throw new TraceVersionError(version, `no migration from trace version ${version} to ${version + 1}`);
    }
    current = { ...step(current), version: version + 1 };
    version += 1;
  }
  return current;
}

/**
 * Validate untrusted input: a JSON string or an already-parsed value. Old versions are migrated.
 * Throws TraceTooLargeError, TraceFormatError, TraceVersionError or TraceValidationError.
 */
export function parseTrace(input: unknown, options: ParseTraceOptions = {}): Trace {
  let value: unknown = input;
  if (typeof input === 'string') {
    checkSize(input);
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new TraceFormatError(`the file is not JSON (${String(err)})`, { cause: err });
    }
  } else {
    let json: string | undefined;
    try {
      json = JSON.stringify(input);
    } catch (err) {
      throw new TraceFormatError(`the value cannot be serialized (${String(err)})`, { cause: err });
    }
    if (json === undefined) throw new TraceFormatError('the value is not an object');
    checkSize(json);
  }
  if (!isRecord(value)) throw new TraceFormatError('the trace is not a JSON object');
  if (value.format !== TRACE_FORMAT) {
    throw new TraceFormatError(`the "format" field is ${JSON.stringify(value.format)}`);
  }
  const migrated = migrate(value, options.migrations ?? defaultMigrations);
  const result = traceSchema.safeParse(migrated);
  if (!result.success) throw new TraceValidationError(result.error.issues);
  checkImageDimensions(result.data);
  return result.data;
}

/** Validated JSON text of a trace (never writes a trace that parseTrace would refuse). */
export function serializeTrace(trace: Trace, options: { pretty?: boolean } = {}): string {
  const result = traceSchema.safeParse(trace);
  if (!result.success) throw new TraceValidationError(result.error.issues);
  const json = JSON.stringify(result.data, null, options.pretty ? 2 : undefined);
  checkSize(json);
  return json;
}
