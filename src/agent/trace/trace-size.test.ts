/**
 * A trace stays under the import cap whatever the photo: the case, a 48 MP phone photo
 * (4729x3547 after the app's cap) with four 2300x1700 zooms, made 56 MiB of PNG before.
 */
import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { runDeepEyes } from '../executor';
import { DEFAULT_SETTINGS, type Trace } from '../types';
import type { RgbImage } from '../../base/types';
import { ScriptedEngine, scriptToIds } from '../../../test/support/scripted-engine';
import { loadTestTokenizer } from '../../convert/synth/test-tokenizer';
import { ChatTemplate } from '../../model/tokenizer/chat-template';
import { smartResize } from '../../model/image/smart-resize';
import { MAX_TRACE_JSON_BYTES } from './schema';
import { parseTrace, serializeTrace } from './trace-io';
import { TRACE_IMAGE_MAX_SIDE } from './trace-images';

/** A photo-like picture: smooth gradients plus sensor-like noise (deterministic). */
function photo(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let seed = 12345;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const n = (seed >>> 24) % 24;
      data[i] = (x * 255) / width + n;
      data[i + 1] = (y * 255) / height + n;
      data[i + 2] = 128 + 60 * Math.sin(x / 40) * Math.cos(y / 55) + n;
    }
  }
  return { width, height, data };
}

function decodeDataUrl(url: string): { width: number; height: number } {
  const b64 = url.slice(url.indexOf(',') + 1);
  return jpeg.decode(Buffer.from(b64, 'base64'), { maxMemoryUsageInMB: 1024 });
}

describe('trace size', () => {
  it('a 48 MP photo with four 2300x1700 zooms stays under the cap; crops are kept at the size the model saw', async () => {
    const W = 4729;
    const H = 3547;
    const seen = smartResize(H, W, {});
    const sx = seen.width / W;
    const sy = seen.height / H;
    const zoom = (x: number, y: number) =>
      `<tool_call>\n{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [${[x * sx, y * sy, (x + 2300) * sx, (y + 1700) * sy].map(Math.round).join(', ')}]}}\n</tool_call>`;
    const tokenizer = loadTestTokenizer();
    const engine = new ScriptedEngine(
      tokenizer,
      ChatTemplate.stock(),
      scriptToIds(tokenizer, [
        zoom(0, 0),
        zoom(2400, 0),
        zoom(0, 1800),
        zoom(2400, 1800),
        '<answer>A</answer><|im_end|>',
      ]),
    );
    const trace: Trace = await runDeepEyes(engine, {
      image: photo(W, H),
      question: 'q',
      settings: DEFAULT_SETTINGS,
    });
    const crops = trace.steps.flatMap((s) => (s.action.kind === 'tool_call' ? [s.action.crop] : []));
    expect(crops).toHaveLength(4);

    const text = serializeTrace(trace);
    const bytes = new TextEncoder().encode(text).length;
    expect(bytes).toBeLessThan(MAX_TRACE_JSON_BYTES);
    expect(parseTrace(text).steps).toHaveLength(trace.steps.length);

    for (const c of crops) {
      expect([c.width, c.height]).toEqual([2300, 1700]);
      const d = decodeDataUrl(c.dataUrl);
      expect([d.width, d.height]).toEqual([c.resizedWidth, c.resizedHeight]);
      // The processor's rule for a 2300x1700 crop (multiples of 28, within the pixel budget).
      const fed = smartResize(1700, 2300, {});
      expect([c.resizedWidth, c.resizedHeight]).toEqual([fed.width, fed.height]);
    }
    const o = decodeDataUrl(trace.image.dataUrl);
    expect([trace.image.width, trace.image.height]).toEqual([W, H]);
    expect(Math.max(o.width, o.height)).toBe(TRACE_IMAGE_MAX_SIDE);
    expect(o.width / o.height).toBeCloseTo(W / H, 2);
    console.log(`48 MP trace: ${(bytes / 2 ** 20).toFixed(2)} MiB`);
  }, 120_000);
});
