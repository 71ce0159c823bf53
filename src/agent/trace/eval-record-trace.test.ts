import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../base/types';
import { parseEvalJsonl } from './deepeyes-jsonl-read';
import { evalRecordTrace, EVAL_RECORD_BACKEND } from './eval-record-trace';
import { parseTrace, serializeTrace } from './trace-io';

const FIXTURE = readFileSync(
  resolve(import.meta.dirname, '../../../test/fixtures/vstar-official.jsonl'),
  'utf8',
);

/** The sample photo's size (2560x1600: under max_pixels, so boxes are original pixels). */
function picture(width = 2560, height = 1600): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
  return { width, height, data };
}

describe('evalRecordTrace', () => {
  it('turns an official V* record into steps, boxes, crops, the answer and the ground truth', async () => {
    const { records } = parseEvalJsonl(FIXTURE);
    const t = await evalRecordTrace(records[0], picture(), {
      fileName: 'result_direct_attributes_deepeyes.jsonl',
    });
    expect(parseTrace(serializeTrace(t))).toEqual(t);
    expect(t.backend).toBe(EVAL_RECORD_BACKEND);
    expect(t.modelId).toBe('result_direct_attributes_deepeyes.jsonl');
    expect(t.steps.map((s) => s.action.kind)).toEqual(['tool_call', 'tool_call', 'answer']);
    const [a, b] = t.steps.map((s) => (s.action.kind === 'tool_call' ? s.action : null));
    // bbox_2d as written; the picture is under max_pixels, so the runtime keeps it as original pixels.
    expect(a!.call.bboxModel).toEqual([1560, 640, 2040, 1040]);
    expect(a!.call.bboxOriginal).toEqual([1560, 640, 2040, 1040]);
    expect(a!.call.label).toBe('ladybird');
    // Crop 480x400 -> smart_resize rounds each side to 28: 476x392 = 17x14 = 238 tokens.
    expect(a!.crop).toMatchObject({
      width: 480,
      height: 400,
      resizedWidth: 476,
      resizedHeight: 392,
      imageTokens: 238,
    });
    expect(b!.call.bboxOriginal).toEqual([1400, 1000, 2200, 1500]);
    expect(t.finalAnswer).toBe('A');
    expect(t.endReason).toBe('answer');
    expect(t.options).toEqual(['white', 'pink', 'blue', 'yellow']);
    // V* gives answer = options[0]; the annotation's [x, y, w, h] box as corners.
    expect(t.groundTruth).toEqual({ answer: 'white', choice: 'A', boxes: [[1600, 700, 2000, 1000]] });
    expect(t.steps.every((s) => s.timings.decodeMs === 0 && s.generatedTokens === 0)).toBe(true);
  });

  it('a record that raised ends in an error that says so; a box too small is a tool error, as the runtime has it', async () => {
    const rec = {
      line: 7,
      record: {
        question: 'q',
        status: 'error',
        pred_output: [
          {
            role: 'assistant' as const,
            content:
              '<tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [0, 0, 20, 20]}}</tool_call>',
          },
        ],
      },
    };
    const t = await evalRecordTrace(rec, picture(200, 100), { fileName: 'x.jsonl' });
    expect(t.id).toBe('x.jsonl#7');
    expect(t.steps[0].action).toMatchObject({ kind: 'tool_error', message: 'ZOOM IN ARGUMENTS ARE INVALID' });
    expect(t.endReason).toBe('error');
    expect(t.error?.message).toMatch(/status "error"/);
    expect(t.groundTruth).toBeUndefined();
  });

  it('a turn with neither a tool call nor an answer is followed by the next ask, as eval_vstar.py loops', async () => {
    const rec = {
      line: 1,
      record: {
        question: 'q',
        pred_ans: 'B',
        pred_output: [
          { role: 'assistant' as const, content: '<think>hmm</think> I am not sure.' },
          { role: 'assistant' as const, content: '<think>again</think><answer>B</answer>' },
        ],
      },
    };
    const t = await evalRecordTrace(rec, picture(64, 64), { fileName: 'x.jsonl' });
    expect(t.steps.map((s) => s.action.kind)).toEqual(['none', 'answer']);
    expect(t.endReason).toBe('answer');
    expect(t.finalAnswer).toBe('B');
  });

  it('ground-truth boxes follow a picture decoded at half size', async () => {
    const { records } = parseEvalJsonl(FIXTURE);
    const t = await evalRecordTrace(records[1], picture(1280, 800), {
      fileName: 'f.jsonl',
      originalSize: { width: 2560, height: 1600 },
    });
    expect(t.groundTruth).toEqual({ answer: 'right', choice: 'A' });
    const withBox = { ...records[1], record: { ...records[1].record, bbox: [[1600, 700, 400, 300]] } };
    const u = await evalRecordTrace(withBox, picture(1280, 800), {
      fileName: 'f.jsonl',
      originalSize: { width: 2560, height: 1600 },
    });
    expect(u.groundTruth?.boxes).toEqual([[800, 350, 1000, 500]]);
  });
});
