/**
 * Keyboard shortcuts, as a pure mapping from a key event to an intent: left/right step, space
 * play/pause, Escape stop, p presentation. Typing in a field never triggers them (Escape aside).
 */
export type KeyAction = 'prev' | 'next' | 'play_pause' | 'stop' | 'presentation';

export interface KeyInfo {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Tag name of the focused element ("INPUT", "TEXTAREA", ...). */
  targetTag?: string;
  targetEditable?: boolean;
  /** The type attribute of a focused <input>: checkboxes and buttons do not take typing. */
  targetType?: string;
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'file', 'color']);

function isTyping(k: KeyInfo): boolean {
  if (k.targetEditable) return true;
  const tag = k.targetTag?.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !NON_TEXT_INPUTS.has((k.targetType ?? 'text').toLowerCase());
}

export function keyAction(k: KeyInfo): KeyAction | null {
  if (k.ctrlKey || k.metaKey || k.altKey) return null;
  if (k.key === 'Escape') return 'stop';
  if (isTyping(k)) return null;
  switch (k.key) {
    case 'ArrowLeft':
      return 'prev';
    case 'ArrowRight':
      return 'next';
    case ' ':
    case 'Spacebar':
      // A focused button handles space itself (it clicks); a range slider moves.
      return k.targetTag?.toUpperCase() === 'BUTTON' ? null : 'play_pause';
    case 'p':
    case 'P':
      return 'presentation';
    default:
      return null;
  }
}
