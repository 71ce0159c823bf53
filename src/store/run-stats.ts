/**
 * The status bar's speed figures, from the steps' recorded timings, and while a turn streams,
 * from the token arrival times the reducer stamped on the live step.
 */
import type { TraceDraft } from './trace-draft';

export interface RunStats {
  /** Time to first token of the run's first turn. */
  ttftMs: number | null;
  prefillTokPerS: number | null;
  decodeTokPerS: number | null;
  generatedTokens: number;
}

function rate(tokens: number, ms: number): number | null {
  return ms > 0 && tokens > 0 ? (tokens * 1000) / ms : null;
}

export function runStats(draft: TraceDraft | null): RunStats {
  if (!draft) return { ttftMs: null, prefillTokPerS: null, decodeTokPerS: null, generatedTokens: 0 };
  const steps = draft.steps;
  const live = draft.live;
  let prefillTokens = 0;
  let prefillMs = 0;
  let decodeTokens = 0;
  let decodeMs = 0;
  let generated = 0;
  for (const s of steps) {
    prefillTokens += s.timings.prefillTokens;
    prefillMs += s.timings.prefillMs;
    decodeTokens += s.timings.decodeTokens;
    decodeMs += s.timings.decodeMs;
    generated += s.generatedTokens;
  }
  let ttftMs: number | null = steps.length > 0 ? steps[0].timings.ttftMs : null;
  let decodeTokPerS = rate(decodeTokens, decodeMs);
  if (live) {
    generated += live.generatedTokens;
    if (ttftMs === null && live.firstTokenAt !== undefined) ttftMs = live.firstTokenAt - live.startedAt;
    // The first token closes the prefill; the rate counts the gaps between the later ones.
    if (live.firstTokenAt !== undefined && live.lastTokenAt !== undefined && live.generatedTokens > 1) {
      decodeTokPerS = rate(live.generatedTokens - 1, live.lastTokenAt - live.firstTokenAt) ?? decodeTokPerS;
    }
  }
  return {
    ttftMs,
    prefillTokPerS: rate(prefillTokens, prefillMs),
    decodeTokPerS,
    generatedTokens: generated,
  };
}
