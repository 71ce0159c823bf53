import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop-text';

function run(stops: string[], deltas: string[]): { out: string; stopped?: string } {
  const m = new StopMatcher(stops);
  let out = '';
  for (const d of deltas) {
    out += m.push(d);
    if (m.stopped) break;
  }
  out += m.flush();
  return { out, ...(m.stopped ? { stopped: m.stopped } : {}) };
}

describe('StopMatcher', () => {
  it('cuts at a stop string split across deltas and drops it', () => {
    expect(run(['STOP'], ['ab', 'cS', 'TO', 'Pxyz'])).toEqual({ out: 'abc', stopped: 'STOP' });
  });
  it('holds back a possible start, then releases it when it was not one', () => {
    const m = new StopMatcher(['STOP']);
    expect(m.push('abST')).toBe('ab');
    expect(m.push('x')).toBe('STx');
  });
  it('without a stop everything comes out', () => {
    expect(run(['STOP'], ['a', 'S', 'T'])).toEqual({ out: 'aST' });
  });
  it('the earliest of several stops wins', () => {
    expect(run(['cd', 'b'], ['abcd'])).toEqual({ out: 'a', stopped: 'b' });
  });
});
