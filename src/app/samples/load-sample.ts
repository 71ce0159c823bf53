/**
 * Loads a bundled sample photo and, for those with a recorded run, builds its trace: the crops
 * are cut from the decoded photo here, so boxes, crops and image always agree.
 */
import { DeepEyesError } from '../../base/errors';
import type { Trace } from '../../agent/types';
import { decodeImageBlob, type DecodedImage } from '../../ui/input/decode';
import { regionToPngDataUrl, sha256Hex } from '../../ui/image/canvas-io';
import {
  buildSampleTrace,
  cropInfoFor,
  sampleCropBoxes,
  sampleImageInfo,
  SAMPLE_TRACES,
  type SampleSpec,
} from './sample-trace';

export interface SampleEntry {
  id: string;
  title: string;
  url: string;
  question: string;
  options?: string[];
  spec?: SampleSpec;
}

export const SAMPLES: readonly SampleEntry[] = [
  ...SAMPLE_TRACES.map((spec) => ({
    id: spec.id,
    title: spec.title,
    url: spec.url,
    question: spec.question,
    options: spec.options,
    spec,
  })),
];

export class SampleLoadError extends DeepEyesError {
  constructor(url: string, detail: string) {
    super(
      'sample_load',
      `could not load the sample ${url} (${detail}); reload the page, or drop your own picture`,
    );
    this.name = 'SampleLoadError';
  }
}

export async function loadSample(
  entry: SampleEntry,
): Promise<{ decoded: DecodedImage; trace: Trace | null }> {
  const res = await fetch(entry.url);
  if (!res.ok) throw new SampleLoadError(entry.url, `HTTP ${res.status}`);
  const decoded = await decodeImageBlob(await res.blob(), entry.url);
  const spec = entry.spec;
  if (!spec) return { decoded, trace: null };
  const { bitmap, rgb } = decoded;
  if (bitmap.width !== spec.width || bitmap.height !== spec.height) {
    throw new SampleLoadError(
      entry.url,
      `expected ${spec.width}x${spec.height}, decoded ${bitmap.width}x${bitmap.height}`,
    );
  }
  const crops = await Promise.all(
    sampleCropBoxes(spec).map(async (b) =>
      cropInfoFor(
        b,
        await regionToPngDataUrl(bitmap, { x: b[0], y: b[1], width: b[2] - b[0], height: b[3] - b[1] }),
      ),
    ),
  );
  const [png, sha] = await Promise.all([regionToPngDataUrl(bitmap), sha256Hex(rgb.data)]);
  return { decoded, trace: buildSampleTrace(spec, sampleImageInfo(spec, png, sha), crops) };
}
