import { describe, expect, it } from 'vitest';
import { noticeOnLoad, noticeOnWaiting } from './update-notice';

describe('update notices', () => {
  it('says nothing on a first visit or when the build did not change', () => {
    expect(noticeOnLoad(null, 'b1')).toEqual({ kind: 'none' });
    expect(noticeOnLoad('b1', 'b1')).toEqual({ kind: 'none' });
  });

  it('says the app was updated when this visit runs another build', () => {
    const n = noticeOnLoad('b1', 'b2');
    expect(n.kind).toBe('updated');
  });

  it('says when a downloaded update applies', () => {
    const n = noticeOnWaiting();
    expect(n.kind).toBe('waiting');
    if (n.kind === 'waiting') expect(n.text).toMatch(/next time/);
  });
});
