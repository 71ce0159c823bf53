import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEvalImportStore } from '../../store/eval-import-store';
import { createEvalImport, isEvalJsonlName, pictureFor } from './eval-import';

const FIXTURE = readFileSync(
  resolve(import.meta.dirname, '../../../test/fixtures/vstar-official.jsonl'),
  'utf8',
);

function setup() {
  const store = createEvalImportStore();
  const shown: unknown[] = [];
  const ei = createEvalImport({ show: (t) => shown.push(t), refusedMidRun: () => false }, store);
  return { store, shown, ei };
}

describe('eval import: which file is the record picture', () => {
  const files = [{ name: 'sa_4690.jpg' }, { name: 'sa_17.jpg' }];
  it("by the record's image name (a path keeps only its last part)", () => {
    expect(pictureFor('sa_17.jpg', files)).toBe(files[1]);
    expect(pictureFor('direct_attributes/sa_4690.jpg', files)).toBe(files[0]);
  });
  it('a named picture that was not given is asked for, even when one other file was given', () => {
    expect(pictureFor('sa_1.jpg', files)).toBeNull();
    expect(pictureFor('sa_1.jpg', [files[0]])).toBeNull();
  });
  it('a record without a name takes the only picture given, else asks', () => {
    expect(pictureFor(undefined, [files[0]])).toBe(files[0]);
    expect(pictureFor(undefined, files)).toBeNull();
    expect(pictureFor(undefined, [])).toBeNull();
  });
  it('recognises the JSONL by its extension', () => {
    expect(isEvalJsonlName('result_direct_attributes_deepeyes.JSONL')).toBe(true);
    expect(isEvalJsonlName('trace.json')).toBe(false);
  });
});

describe('eval import flow (no picture decoded)', () => {
  it('two records: listed, none chosen until the user picks', async () => {
    const { store, shown, ei } = setup();
    await ei.importFiles([new File([FIXTURE], 'result.jsonl')]);
    expect(store.getState()).toMatchObject({
      fileName: 'result.jsonl',
      problems: [],
      chosen: null,
      error: null,
    });
    expect(store.getState().records).toHaveLength(2);
    // Picked, but its picture was not given: asked for, nothing shown.
    await ei.choose(1);
    expect(store.getState()).toMatchObject({ chosen: 1, needsPicture: true });
    expect(shown).toEqual([]);
  });

  it('one record among bad lines: chosen at once, the bad line named', async () => {
    const { store, ei } = setup();
    const [first] = FIXTURE.split('\n');
    await ei.importFiles([new File([`${first}\n{oops\n`], 'one.jsonl')]);
    expect(store.getState()).toMatchObject({ chosen: 0, needsPicture: true });
    expect(store.getState().problems).toEqual([expect.stringMatching(/^line 2: not JSON/)]);
  });

  it('no record at all, or no .jsonl among the files: an error that says which', async () => {
    const { store, ei } = setup();
    await ei.importFiles([new File(['nope\n'], 'bad.jsonl')]);
    expect(store.getState().error).toMatch(
      /^bad\.jsonl: No DeepEyes eval record in this file: line 1: not JSON/,
    );
    await ei.importFiles([new File(['x'], 'photo.jpg')]);
    expect(store.getState().error).toMatch(/No \.jsonl among the files/);
  });
});
