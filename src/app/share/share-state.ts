/**
 * What a shared link carries, in the URL's fragment (never sent to a server): the sample shown,
 * the step selected, the model chosen, the run settings, and kiosk mode. Nothing private: an
 * imported trace or a dropped picture stays in this browser, so a link names samples only.
 */
import { DEFAULT_SETTINGS, type AgentSettings } from '../../agent/types';

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
  const crops = int(p.get('crops'), 0, 64);
  if (crops !== undefined) settings.maxCrops = crops;
  const tokens = int(p.get('tokens'), 1, 1_000_000);
  if (tokens !== undefined) settings.maxTokensPerTurn = tokens;
  const sampling = p.get('sampling');
  if (sampling === 'greedy' || sampling === 'sample') {
    settings.sampling =
      sampling === 'greedy' ? { kind: 'greedy' } : { kind: 'sample', temperature: 1, topP: 1 };
  }
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
  if (st.sampling && st.sampling.kind !== 'greedy') p.set('sampling', 'sample');
  if (st.rotateTool) p.set('rotate', '1');
  if (s.kiosk) p.set('kiosk', '1');
  const q = p.toString();
  return q ? `#${q}` : '';
}
