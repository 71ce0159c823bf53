/**
 * Agent settings as the user edits them: bounds for every field and a sanitizer for whatever
 * localStorage hands back (an older version, a hand edit, another app on the same origin).
 */
import { DEFAULT_SETTINGS, type AgentSettings } from '../agent/types';

import type { Sampling } from '../base/types';
export const SETTINGS_BOUNDS = {
  maxCrops: { min: 0, max: 16 },
  // Training allowed 10240 new tokens per turn; more only burns time on a looping model. A budget
  // of a few tokens is for checking the pipeline (a slow GPU, the random-weights test model).
  maxTokensPerTurn: { min: 1, max: 10240 },
  maxTotalTokens: { min: 64, max: 32768 },
  temperature: { min: 0.05, max: 2 },
  topP: { min: 0.05, max: 1 },
} as const;

function num(
  v: unknown,
  fallback: number,
  { min, max }: { min: number; max: number },
  integer = true,
): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return fallback;
  const x = integer ? Math.round(v) : v;
  return Math.min(max, Math.max(min, x));
}

function sanitizeSampling(v: unknown): Sampling {
  const s = (v ?? {}) as Partial<Record<string, unknown>>;
  if (s.kind !== 'sample') return { kind: 'greedy' };
  const out: Sampling = {
    kind: 'sample',
    temperature: num(s.temperature, 1, SETTINGS_BOUNDS.temperature, false),
    topP: num(s.topP, 1, SETTINGS_BOUNDS.topP, false),
  };
  if (typeof s.seed === 'number' && Number.isSafeInteger(s.seed)) out.seed = s.seed;
  return out;
}

/** Any value -> valid AgentSettings: unknown fields dropped, numbers clamped, defaults filled in. */
export function sanitizeSettings(v: unknown): AgentSettings {
  const s = (v && typeof v === 'object' ? v : {}) as Partial<Record<keyof AgentSettings, unknown>>;
  const d = DEFAULT_SETTINGS;
  return {
    maxCrops: num(s.maxCrops, d.maxCrops, SETTINGS_BOUNDS.maxCrops),
    maxTokensPerTurn: num(s.maxTokensPerTurn, d.maxTokensPerTurn, SETTINGS_BOUNDS.maxTokensPerTurn),
    maxTotalTokens: num(s.maxTotalTokens, d.maxTotalTokens, SETTINGS_BOUNDS.maxTotalTokens),
    sampling: sanitizeSampling(s.sampling),
    rotateTool: typeof s.rotateTool === 'boolean' ? s.rotateTool : d.rotateTool,
  };
}
