/**
 * The WebM's timing as pure data: every frame of the slide plan held for its delay at a low
 * constant rate (a held frame repeated, so players and slide decks that expect a steady rate show
 * it right), each plan frame starting on a key frame so a slide can be scrubbed step by step.
 */
export const WEBM_WIDTH = 1280;
export const WEBM_HEIGHT = 720;
/** Frames per second: the picture only changes between steps, so two a second is plenty. */
export const WEBM_FPS = 2;

export interface VideoSampleSlot {
  /** Index into the slide plan. */
  frame: number;
  /** Seconds. */
  timestamp: number;
  duration: number;
  keyFrame: boolean;
}

export function planVideo(delaysMs: readonly number[], fps = WEBM_FPS): VideoSampleSlot[] {
  const out: VideoSampleSlot[] = [];
  let n = 0;
  delaysMs.forEach((ms, frame) => {
    const count = Math.max(1, Math.round((ms / 1000) * fps));
    for (let k = 0; k < count; k++, n++) {
      out.push({ frame, timestamp: n / fps, duration: 1 / fps, keyFrame: k === 0 });
    }
  });
  return out;
}

/** The first codec of VP9, VP8 that this browser can encode at the size, or null (no WebCodecs). */
export async function pickVideoCodec(
  canEncode: (codec: 'vp9' | 'vp8') => Promise<boolean>,
): Promise<'vp9' | 'vp8' | null> {
  for (const codec of ['vp9', 'vp8'] as const) {
    try {
      if (await canEncode(codec)) return codec;
    } catch {
      // A browser that throws here cannot encode it either.
    }
  }
  return null;
}
