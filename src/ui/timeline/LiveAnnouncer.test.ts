import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../../agent/types';
import { stepAnnouncement } from './LiveAnnouncer';

const timings = { ttftMs: 0, prefillMs: 0, prefillTokens: 0, decodeMs: 0, decodeTokens: 0, visionMs: 0 };

describe('stepAnnouncement', () => {
  it('says the step number, the reasoning and the zoom target', () => {
    const step: TraceStep = {
      index: 0,
      text: '',
      think: 'A red shape sits on the stem.',
      action: {
        kind: 'tool_call',
        call: { name: 'image_zoom_in_tool', label: 'red insect' },
        crop: { dataUrl: '', width: 40, height: 40, resizedWidth: 56, resizedHeight: 56, imageTokens: 4 },
      },
      promptTokens: 1,
      generatedTokens: 1,
      timings,
    };
    expect(stepAnnouncement(step)).toBe('Step 1. A red shape sits on the stem. Zooms in on red insect.');
  });

  it('cuts long reasoning at a word boundary under 240 characters and ends with the answer', () => {
    const think = 'word '.repeat(100).trim();
    const step: TraceStep = {
      index: 3,
      text: '',
      think,
      action: { kind: 'answer', text: 'A' },
      promptTokens: 1,
      generatedTokens: 1,
      timings,
    };
    const said = stepAnnouncement(step);
    expect(said.startsWith('Step 4. word word')).toBe(true);
    expect(said.endsWith('word… Answer: A.')).toBe(true);
    expect(said.length).toBeLessThan(240 + 30);
  });
});
