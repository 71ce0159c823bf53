/**
 * What a shared link carries, in the URL's fragment (never sent to a server): the sample shown,
 * the step selected, the model chosen (a catalog id), the run settings (limits, sampling with its
 * temperature, top-p and seed), and kiosk mode. Nothing private: an imported trace, a dropped
 * picture, a model folder's name or a server's token stays in this browser, so a link names
 * samples and catalog ids only.
 */
import { DEFAULT_SETTINGS, type AgentSettings } from '../../agent/types';
import type { Sampling } from '../../base/types';
import { SETTINGS_BOUNDS } from '../../store/settings';

export interface ShareState {
  sample?: string;
  /** Selected step, 0-based in the trace (shown 1-based in the link). */
  step?: number;
  model?: string;
  settings?: Partial<AgentSettings>;
  kiosk?: boolean;
}

const ID = /^[A-Za-z0-9._-]{1,80}$/;

function int(v: string | null, min: number, max: number): number | undefined {
  if (v === null || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

/** A decimal within the settings' bounds, or undefined (no exponents, no NaN, nothing out of range). */
function dec(v: string | null, { min, max }: { min: number; max: number }): number | undefined {
  if (v === null || !/^\d{1,3}(\.\d{1,4})?$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

function parseSampling(p: URLSearchParams): Sampling | undefined {
  const kind = p.get('sampling');
  if (kind === 'greedy') return { kind: 'greedy' };
  if (kind !== 'sample') return undefined;
  const out: Sampling = {
    kind: 'sample',
    temperature: dec(p.get('temp'), SETTINGS_BOUNDS.temperature) ?? 1,
    topP: dec(p.get('topp'), SETTINGS_BOUNDS.topP) ?? 1,
  };
  const seed = int(p.get('seed'), 0, Number.MAX_SAFE_INTEGER);
  if (seed !== undefined) out.seed = seed;
  return out;
}

/** Reads a fragment like `#sample=ladybird&step=2`; anything malformed is ignored, never thrown. */
export function parseShareHash(hash: string): ShareState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const out: ShareState = {};
  const sample = p.get('sample');
  if (sample && ID.test(sample)) out.sample = sample;
  const step = int(p.get('step'), 1, 1000);
  if (step !== undefined) out.step = step - 1;
  const model = p.get('model');
  if (model && ID.test(model)) out.model = model;
  const settings: Partial<AgentSettings> = {};
  const crops = int(p.get('crops'), SETTINGS_BOUNDS.maxCrops.min, SETTINGS_BOUNDS.maxCrops.max);
  if (crops !== undefined) settings.maxCrops = crops;
  const tokens = int(
    p.get('tokens'),
    SETTINGS_BOUNDS.maxTokensPerTurn.min,
    SETTINGS_BOUNDS.maxTokensPerTurn.max,
  );
  if (tokens !== undefined) settings.maxTokensPerTurn = tokens;
  const total = int(p.get('total'), SETTINGS_BOUNDS.maxTotalTokens.min, SETTINGS_BOUNDS.maxTotalTokens.max);
  if (total !== undefined) settings.maxTotalTokens = total;
  const sampling = parseSampling(p);
  if (sampling) settings.sampling = sampling;
  if (p.get('rotate') === '1') settings.rotateTool = true;
  if (Object.keys(settings).length > 0) out.settings = settings;
  if (p.get('kiosk') === '1') out.kiosk = true;
  return out;
}

/** The fragment for `s`; settings equal to the defaults are left out to keep links short. */
export function shareHash(s: ShareState): string {
  const p = new URLSearchParams();
  if (s.sample) p.set('sample', s.sample);
  if (s.step !== undefined) p.set('step', String(s.step + 1));
  if (s.model) p.set('model', s.model);
  const st = s.settings ?? {};
  if (st.maxCrops !== undefined && st.maxCrops !== DEFAULT_SETTINGS.maxCrops)
    p.set('crops', String(st.maxCrops));
  if (st.maxTokensPerTurn !== undefined && st.maxTokensPerTurn !== DEFAULT_SETTINGS.maxTokensPerTurn) {
    p.set('tokens', String(st.maxTokensPerTurn));
  }
  if (st.maxTotalTokens !== undefined && st.maxTotalTokens !== DEFAULT_SETTINGS.maxTotalTokens) {
    p.set('total', String(st.maxTotalTokens));
  }
  if (st.sampling?.kind === 'sample') {
    p.set('sampling', 'sample');
    p.set('temp', String(st.sampling.temperature));
    p.set('topp', String(st.sampling.topP));
    if (st.sampling.seed !== undefined) p.set('seed', String(st.sampling.seed));
  }
  if (st.rotateTool) p.set('rotate', '1');
  if (s.kiosk) p.set('kiosk', '1');
  const q = p.toString();
  return q ? `#${q}` : '';
}
