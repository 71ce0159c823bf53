/**
 * The `run` command end to end on the bundled pipeline-check model: an image file and a question
 * in, streamed text out, a trace file that validates as a trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildTinyModel } from '../src/cli/build-tiny-model';
import { main } from '../src/cli/run';
import { parseTrace } from '../src/agent/trace/trace-io';

const IMAGE = resolve(import.meta.dirname, 'golden/public/image1.png');

describe('run CLI', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cli-run-'));
    await buildTinyModel(join(work, 'model'), () => {});
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('streams a run and writes a valid trace and JSONL', async () => {
    let out = '';
    const code = await main(
      [
        join(work, 'model'),
        IMAGE,
        'What color is the sign?',
        '--options',
        'red,white',
        '--max-tokens',
        '12',
        '--trace',
        join(work, 't.json'),
        '--jsonl',
        join(work, 't.jsonl'),
      ],
      (s) => {
        out += s;
      },
    );
    expect(code).toBe(0);
    expect(out).toContain('── turn 1 (prefill 441 tokens)');
    expect(out).toContain('image 250x190 (model sees 252x196)');
    const trace = parseTrace(await readFile(join(work, 't.json'), 'utf8'));
    expect(trace.question).toBe('What color is the sign?');
    expect(trace.options).toEqual(['red', 'white']);
    expect(trace.steps[0].generatedTokens).toBe(12);
    expect(trace.endReason).toBe('budget');
    const record = JSON.parse((await readFile(join(work, 't.jsonl'), 'utf8')).trim());
    expect(record.question).toBe('What color is the sign?');
  });
});
