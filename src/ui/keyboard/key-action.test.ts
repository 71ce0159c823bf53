import { describe, expect, it } from 'vitest';
import { keyAction } from './key-action';

describe('keyAction', () => {
  it('maps the shortcuts', () => {
    expect(keyAction({ key: 'ArrowLeft' })).toBe('prev');
    expect(keyAction({ key: 'ArrowRight', targetTag: 'DIV' })).toBe('next');
    expect(keyAction({ key: ' ' })).toBe('play_pause');
    expect(keyAction({ key: 'Escape' })).toBe('stop');
    expect(keyAction({ key: 'p' })).toBe('presentation');
    expect(keyAction({ key: 'q' })).toBeNull();
  });

  it('leaves typing alone, except Escape', () => {
    expect(keyAction({ key: 'p', targetTag: 'TEXTAREA' })).toBeNull();
    expect(keyAction({ key: 'ArrowLeft', targetTag: 'INPUT', targetType: 'text' })).toBeNull();
    expect(keyAction({ key: ' ', targetTag: 'DIV', targetEditable: true })).toBeNull();
    expect(keyAction({ key: 'Escape', targetTag: 'TEXTAREA' })).toBe('stop');
    expect(keyAction({ key: 'p', targetTag: 'INPUT', targetType: 'checkbox' })).toBe('presentation');
  });

  it('ignores modified keys and space on buttons', () => {
    expect(keyAction({ key: 'p', ctrlKey: true })).toBeNull();
    expect(keyAction({ key: 'ArrowRight', altKey: true })).toBeNull();
    expect(keyAction({ key: ' ', targetTag: 'BUTTON' })).toBeNull();
  });
});
