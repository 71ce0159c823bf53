/**
 * A trace file for import tests, built in Node from the bundled sample's hand-written run
 * (src/app/fixtures/sample-trace.ts) over the sample photo: crops cut at full resolution, the
 * photo itself embedded downscaled (as an export of a big picture may be), all as real PNGs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Trace } from '../../src/agent/types';
// trace-io, not the trace index: the index pulls in the prompts JSON, which Playwright's loader cannot import.
import { serializeTrace } from '../../src/agent/trace/trace-io';
import {
  buildSampleTrace,
  cropInfoFor,
  sampleCropBoxes,
  sampleImageInfo,
  type SampleSpec,
} from '../../src/app/samples/sample-trace';

import type { Box } from '../../src/base/types';
const PUBLIC = resolve(import.meta.dirname, '../../public');

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

function pngDataUrl(img: Rgba): string {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return 'data:image/png;base64,' + PNG.sync.write(png).toString('base64');
}

function crop(img: Rgba, [x1, y1, x2, y2]: Box): Rgba {
  const width = x2 - x1;
  const height = y2 - y1;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y1 + y) * img.width + x1) * 4;
    data.set(img.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/** Box-filter downscale by an integer factor (keeps the embedded picture small). */
function shrink(img: Rgba, f: number): Rgba {
  const width = Math.floor(img.width / f);
  const height = Math.floor(img.height / f);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++)
          for (let dx = 0; dx < f; dx++) sum += img.data[((y * f + dy) * img.width + x * f + dx) * 4 + c];
        data[(y * width + x) * 4 + c] = Math.round(sum / (f * f));
      }
    }
  }
  return { width, height, data };
}

function rgbSha256(img: Rgba): string {
  const rgb = new Uint8Array(img.width * img.height * 3);
  for (let i = 0, j = 0; i < img.data.length; i += 4, j += 3) rgb.set(img.data.subarray(i, i + 3), j);
  return createHash('sha256').update(rgb).digest('hex');
}

/** The sample's trace over its photo, and that trace serialized as the page exports it. */
export function sampleTraceFile(spec: SampleSpec, embedScale = 2): { trace: Trace; json: string } {
  const decoded = jpeg.decode(readFileSync(resolve(PUBLIC, spec.url)), { useTArray: true });
  const img: Rgba = { width: decoded.width, height: decoded.height, data: decoded.data };
  if (img.width !== spec.width || img.height !== spec.height)
    throw new Error(
      `${spec.url} is ${img.width}x${img.height}, the sample says ${spec.width}x${spec.height}`,
    );
  const crops = sampleCropBoxes(spec).map((b) => cropInfoFor(b, pngDataUrl(crop(img, b))));
  const info = sampleImageInfo(spec, pngDataUrl(shrink(img, embedScale)), rgbSha256(img));
  const trace = buildSampleTrace(spec, info, crops);
  return { trace, json: serializeTrace(trace) };
}
