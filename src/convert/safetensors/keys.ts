/**
 * Checkpoint key layouts. transformers >= 4.52 saves Qwen2.5-VL as `model.visual.*` and
 * `model.language_model.*`; everything downstream uses the 4.50 hub layout (`visual.*`,
 * `model.*`, `lm_head.weight`), so keys are mapped once, when a checkpoint is opened.
 */
const NEW_VISUAL = 'model.visual.';
const NEW_TEXT = 'model.language_model.';

export function normalizeTensorKey(key: string): string {
  if (key.startsWith(NEW_VISUAL)) return 'visual.' + key.slice(NEW_VISUAL.length);
  if (key.startsWith(NEW_TEXT)) return 'model.' + key.slice(NEW_TEXT.length);
  return key;
}
