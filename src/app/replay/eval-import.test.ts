import { describe, expect, it } from 'vitest';
import { isEvalJsonlName, pictureFor } from './eval-import';

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
