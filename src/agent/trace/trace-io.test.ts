import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Trace, TraceStep } from '../types';
import { migrations, type TraceMigration } from './migrations';
import { PNG_DATA_URL_PREFIX } from './png-data-url';
import { MAX_TRACE_JSON_BYTES, TRACE_VERSION } from './schema';
import { sampleTrace } from '../../../test/support/trace-fixtures';
import {
  checkTraceFileSize,
  MAX_EMBEDDED_IMAGE_SIDE,
  parseTrace,
  pngDataUrlDimensions,
  imageDataUrlDimensions,
  TraceImageTooLargeError,
  serializeTrace,
  TraceFormatError,
  TraceTooLargeError,
  TraceValidationError,
  TraceVersionError,
  utf8ByteLength,
} from './trace-io';

/** A deep copy as a plain record, for breaking things on purpose. */
const raw = (t: Trace = sampleTrace()): Record<string, any> => JSON.parse(JSON.stringify(t)); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('round trip', () => {
  it('serialize -> parse gives the same trace (compact and pretty)', () => {
    const t = sampleTrace();
    expect(parseTrace(serializeTrace(t))).toEqual(t);
    expect(parseTrace(serializeTrace(t, { pretty: true }))).toEqual(t);
  });

  it('accepts an already-parsed object and returns a copy', () => {
    const t = sampleTrace();
    const parsed = parseTrace(t);
    expect(parsed).toEqual(t);
    expect(parsed).not.toBe(t);
  });

  it('keeps optional fields out when absent', () => {
    const t = raw();
    delete t.options;
    delete t.finalAnswer;
    delete t.endReason;
    t.steps = [];
    expect(parseTrace(t)).toEqual(t);
  });
});

describe('rejects bad input', () => {
  it('not JSON, not an object, wrong format', () => {
    expect(() => parseTrace('{"format": ')).toThrow(TraceFormatError);
    expect(() => parseTrace('[1, 2]')).toThrow(TraceFormatError);
    expect(() => parseTrace(null)).toThrow(TraceFormatError);
    expect(() => parseTrace({ ...raw(), format: 'other-trace' })).toThrow(TraceFormatError);
  });

  it('wrong versions', () => {
    expect(() => parseTrace({ ...raw(), version: TRACE_VERSION + 1 })).toThrow(/newer app/);
    expect(() => parseTrace({ ...raw(), version: 0 })).toThrow(TraceVersionError);
    expect(() => parseTrace({ ...raw(), version: '1' })).toThrow(TraceVersionError);
    expect(() => parseTrace({ ...raw(), version: 1.5 })).toThrow(TraceVersionError);
  });

  it('image fields that are not PNG or JPEG data URLs', () => {
    const jpegUrl = raw();
    jpegUrl.image.dataUrl = jpegUrl.image.dataUrl.replace('image/png', 'image/jpeg');
    // PNG bytes behind a JPEG prefix.
    expect(() => parseTrace(jpegUrl)).toThrow(/not a PNG or JPEG data URL: the bytes are not a JPEG/);
    const jpegBytes = raw();
    // A JPEG's first bytes (FF D8 FF E0) behind a PNG prefix.
    jpegBytes.steps[0].action.crop.dataUrl = PNG_DATA_URL_PREFIX + '/9j/4AAQSkZJRgABAQ==';
    expect(() => parseTrace(jpegBytes)).toThrow(/no PNG signature/);
    const broken = raw();
    broken.image.dataUrl = PNG_DATA_URL_PREFIX + 'iVBORw0KGgo#!';
    expect(() => parseTrace(broken)).toThrow(TraceValidationError);
    const external = raw();
    external.image.dataUrl = 'https://example.com/a.png';
    expect(() => parseTrace(external)).toThrow(TraceValidationError);
  });

  it('NaN, Infinity and negative counts', () => {
    const nan = raw();
    nan.steps[0].timings.decodeMs = NaN;
    expect(() => parseTrace(nan)).toThrow(TraceValidationError);
    const inf = raw();
    inf.steps[0].action.call.bboxModel = [0, 0, Infinity, 10];
    expect(() => parseTrace(inf)).toThrow(TraceValidationError);
    const neg = raw();
    neg.steps[1].generatedTokens = -1;
    expect(() => parseTrace(neg)).toThrow(/generatedTokens/);
  });

  it('unknown keys, bad enums, bad ids', () => {
    expect(() => parseTrace({ ...raw(), extra: 1 })).toThrow(/Unrecognized key/);
    const step = raw();
    step.steps[0].action.kind = 'crop';
    expect(() => parseTrace(step)).toThrow(TraceValidationError);
    expect(() => parseTrace({ ...raw(), endReason: 'done' })).toThrow(TraceValidationError);
    const sha = raw();
    sha.image.sha256 = 'XYZ';
    expect(() => parseTrace(sha)).toThrow(/sha256/);
    expect(() => parseTrace({ ...raw(), createdAt: 'yesterday' })).toThrow(/createdAt/);
  });

  it('oversize input (more than 50 MiB), as text and as an object', () => {
    expect(() => parseTrace(' '.repeat(MAX_TRACE_JSON_BYTES + 1))).toThrow(TraceTooLargeError);
    const big = raw();
    const chunk = 'x'.repeat(900_000);
    big.steps = Array.from({ length: 60 }, (_, i) => ({ ...big.steps[1], index: i, text: chunk }));
    expect(() => parseTrace(big)).toThrow(TraceTooLargeError);
    expect(() => serializeTrace(big as Trace)).toThrow(TraceTooLargeError);
  });

  it('bounded strings', () => {
    const t = raw();
    t.steps[1].text = 'x'.repeat(1_000_001);
    expect(() => parseTrace(t)).toThrow(/text/);
  });

  it('serializeTrace refuses an invalid trace', () => {
    const t = raw();
    t.steps[0].timings.ttftMs = NaN;
    expect(() => serializeTrace(t as Trace)).toThrow(TraceValidationError);
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(utf8ByteLength('aé€🙂')).toBe(1 + 2 + 3 + 4);
    expect(utf8ByteLength('\ud800x')).toBe(3 + 1);
  });
});

describe('migrations', () => {
  it('opens a version-1 trace: its images were named pngDataUrl, on the picture and on each crop', () => {
    expect(TRACE_VERSION).toBe(2);
    expect(Object.keys(migrations)).toEqual(['1']);
    const expected = sampleTrace();
    const v1 = raw(expected);
    v1.version = 1;
    const renamed = (image: Record<string, unknown>) => {
      const { dataUrl, ...rest } = image;
      return { ...rest, pngDataUrl: dataUrl };
    };
    v1.image = renamed(v1.image);
    let crops = 0;
    for (const step of v1.steps) {
      if (step.action.crop) {
        step.action.crop = renamed(step.action.crop);
        crops++;
      }
    }
    expect(crops).toBeGreaterThan(0);
    // What a version-1 app wrote, as text: no field of the new name.
    const text = JSON.stringify(v1);
    expect(text).not.toContain('"dataUrl"');
    expect(parseTrace(text)).toEqual(expected);
    // The old name is not accepted in a version-2 trace (strict objects).
    expect(() => parseTrace({ ...v1, version: 2 })).toThrow(TraceValidationError);
  });

  it('keeps a ground truth (answer key and target boxes) through a round trip', () => {
    const t: Trace = {
      ...sampleTrace(),
      groundTruth: { answer: 'red', choice: 'A', boxes: [[1, 2, 30, 40]] },
    };
    expect(parseTrace(serializeTrace(t)).groundTruth).toEqual(t.groundTruth);
    // A box is four numbers, as the zoom boxes are.
    expect(() => parseTrace({ ...raw(t), groundTruth: { boxes: [[1, 2]] } })).toThrow(TraceValidationError);
  });

  it('runs a migration from a fake v0 (model -> modelId, turns -> steps)', () => {
    const expected = sampleTrace();
    const { modelId, steps, ...rest } = raw(expected);
    const v0 = { ...rest, version: 0, model: modelId, turns: steps };
    const fake: TraceMigration = ({ model, turns, ...others }) => ({
      ...others,
      modelId: model,
      steps: turns,
    });
    expect(parseTrace(JSON.stringify(v0), { migrations: { ...migrations, 0: fake } })).toEqual(expected);
    // Without it, v0 is refused with a clear message.
    expect(() => parseTrace(v0)).toThrow(/no migration from trace version 0/);
  });

  it('validates the migrated trace', () => {
    const v0 = { ...raw(), version: 0 };
    const broken: TraceMigration = (t) => ({ ...t, steps: 'nope' });
    expect(() => parseTrace(v0, { migrations: { ...migrations, 0: broken } })).toThrow(TraceValidationError);
  });
});

/** A PNG made byte by byte here (signature, IHDR, one IDAT, IEND), independent of our encoders. */
function handMadePng(width: number, height: number, idat: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('embedded image dimensions, from the PNG header, before any decoding', () => {
  // The start of 60000 rows of zeros: a tiny file declaring 3.6 gigapixels.
  const bomb = handMadePng(60000, 60000, deflateSync(Buffer.alloc(60001 * 4)));

  it('reads width and height from IHDR', () => {
    const url = PNG_DATA_URL_PREFIX + bomb.toString('base64');
    expect(pngDataUrlDimensions(url)).toEqual({ width: 60000, height: 60000 });
    const small = handMadePng(3, 2, deflateSync(Buffer.alloc(2 * 4)));
    expect(pngDataUrlDimensions(PNG_DATA_URL_PREFIX + small.toString('base64'))).toEqual({
      width: 3,
      height: 2,
    });
  });

  it("reads a JPEG crop's size from its start-of-frame segment, after an APP1 segment, and refuses a bomb", () => {
    // SOI, an APP1 (EXIF) segment of 8 bytes, then SOF0 (baseline): length 17, precision 8,
    // height, width, 3 components. The size sits behind the EXIF, as in camera files.
    const sof = (h: number, w: number) =>
      Buffer.from([
        0xff,
        0xc0,
        0x00,
        0x11,
        8,
        h >> 8,
        h & 255,
        w >> 8,
        w & 255,
        3,
        1,
        0x22,
        0,
        2,
        0x11,
        1,
        3,
        0x11,
        1,
      ]);
    const jpeg = (h: number, w: number) =>
      Buffer.concat([
        Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x08, 0x45, 0x78, 0x69, 0x66, 0, 0]),
        sof(h, w),
      ]);
    const url = (h: number, w: number) => 'data:image/jpeg;base64,' + jpeg(h, w).toString('base64');
    expect(imageDataUrlDimensions(url(480, 640))).toEqual({ width: 640, height: 480 });
    const asCrop = raw();
    const step = (asCrop.steps as TraceStep[]).find((st) => st.action.kind === 'tool_call')!;
    (step.action as { crop: { dataUrl: string } }).crop.dataUrl = url(60000, 60000);
    expect(() => parseTrace(JSON.stringify(asCrop))).toThrow(TraceImageTooLargeError);
  });

  it('refuses a small PNG declaring 60000x60000 as the picture or as a crop', () => {
    expect(bomb.length).toBeLessThan(600);
    const url = PNG_DATA_URL_PREFIX + bomb.toString('base64');
    const asPicture = raw();
    asPicture.image.dataUrl = url;
    expect(() => parseTrace(JSON.stringify(asPicture))).toThrow(TraceImageTooLargeError);
    const asCrop = raw();
    asCrop.steps[0].action.crop.dataUrl = url;
    expect(() => parseTrace(asCrop)).toThrow(/crop of step 1 declares 60000x60000/);
  });

  it('accepts a picture at the limits and refuses one pixel over', () => {
    const side = handMadePng(MAX_EMBEDDED_IMAGE_SIDE, 1, deflateSync(Buffer.alloc(2)));
    const over = handMadePng(MAX_EMBEDDED_IMAGE_SIDE + 1, 1, deflateSync(Buffer.alloc(2)));
    const t = raw();
    t.image.dataUrl = PNG_DATA_URL_PREFIX + side.toString('base64');
    expect(() => parseTrace(t)).not.toThrow();
    t.image.dataUrl = PNG_DATA_URL_PREFIX + over.toString('base64');
    expect(() => parseTrace(t)).toThrow(TraceImageTooLargeError);
  });

  it('checks an imported file size before reading it', () => {
    expect(() => checkTraceFileSize(MAX_TRACE_JSON_BYTES)).not.toThrow();
    expect(() => checkTraceFileSize(MAX_TRACE_JSON_BYTES + 1)).toThrow(TraceTooLargeError);
  });
});
