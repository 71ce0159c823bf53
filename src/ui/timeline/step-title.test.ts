import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../../agent/types';
import { stepTitle, toolName } from './step-title';

const crop = { dataUrl: '', width: 10, height: 10, resizedWidth: 28, resizedHeight: 28, imageTokens: 1 };
const timings = { ttftMs: 0, prefillMs: 0, prefillTokens: 0, decodeMs: 0, decodeTokens: 0, visionMs: 0 };
const step = (action: TraceStep['action']): TraceStep => ({
  index: 0,
  text: '',
  action,
  promptTokens: 0,
  generatedTokens: 0,
  timings,
});

describe('step titles', () => {
  it('names a rotate call as a rotation, with its angle', () => {
    const s = step({ kind: 'tool_call', call: { name: 'image_rotate_tool', angle: 90 }, crop });
    expect([stepTitle(s), toolName(s)]).toEqual(['Rotate', 'Rotate 90°']);
  });

  it('names a zoom call as a zoom, and the other steps by kind', () => {
    const z = step({ kind: 'tool_call', call: { name: 'image_zoom_in_tool', label: 'x' }, crop });
    expect([stepTitle(z), toolName(z)]).toEqual(['Zoom', 'Zoom in']);
    expect(stepTitle(step({ kind: 'answer', text: 'A' }))).toBe('Answer');
    expect(stepTitle(step({ kind: 'tool_error', message: 'bad', callText: '' }))).toBe('Tool error');
    expect(stepTitle(step({ kind: 'budget', reason: 'tokens' }))).toBe('Limit');
    expect(stepTitle(step({ kind: 'none', text: '' }))).toBe('Text');
  });
});
