/**
 * Example traces written by hand (the bundled samples) carry this model id, so every place that
 * shows a run can say so, and none shows their zero timings as if they were measurements.
 */
export const HAND_WRITTEN_MODEL_ID = 'hand-written sample (not model output)';

export function isHandWritten(modelId: string | null | undefined): boolean {
  return modelId === HAND_WRITTEN_MODEL_ID;
}
