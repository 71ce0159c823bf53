import { describe, expect, it } from 'vitest';
import { sampleTrace } from '../../../test/support/trace-fixtures';
import { readTraceFile, TraceImageDecodeError } from './read-trace-file';

describe('readTraceFile', () => {
  it('checks every embedded image and names the one that does not decode', async () => {
    const t = sampleTrace();
    const seen: string[] = [];
    const crop = t.steps[0].action.kind === 'tool_call' ? t.steps[0].action.crop.dataUrl : '';
    // The crop is the same PNG as the picture in the fixture: refuse the second image checked.
    const check = async (url: string) => {
      seen.push(url);
      if (seen.length === 2) throw new Error('decode failed');
    };
    const err = await readTraceFile(new Blob([JSON.stringify(t)]), check).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceImageDecodeError);
    expect((err as Error).message).toMatch(/crop of step 1 cannot be decoded/);
    expect(seen).toEqual([t.image.dataUrl, crop]);
  });

  it('returns the trace when every image decodes', async () => {
    const t = sampleTrace();
    expect(await readTraceFile(new Blob([JSON.stringify(t)]), async () => {})).toEqual(t);
  });
});
