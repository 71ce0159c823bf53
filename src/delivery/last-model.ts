/**
 * "Reload the last model after a page reload": the model the user last loaded (when it can be
 * loaded again without them: a catalog entry or a URL / hub repo id, not a picked folder or a chat
 * server with its key), and whether to do it, kept in this browser's localStorage. On by default.
 */
import type { Backend } from '../base/types';
import type { ModelSource } from './model-source';

export type ReloadableSource = Extract<ModelSource, { kind: 'catalog' } | { kind: 'url' }>;

export interface LastModel {
  source: ReloadableSource;
  backend: Backend;
}

const LAST = 'deepeyes.last-model';
const ENABLED = 'deepeyes.reload-last-model';

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
const local = (): Store | undefined => globalThis.localStorage;

/** The part of `source` worth keeping to load it again; null when it cannot be reloaded unattended. */
export function reloadableSource(source: ModelSource): ReloadableSource | null {
  if (source.kind === 'catalog') return { kind: 'catalog', id: source.id };
  if (source.kind === 'url') {
    return source.label === undefined
      ? { kind: 'url', url: source.url }
      : { kind: 'url', url: source.url, label: source.label };
  }
  return null;
}

/** Whatever localStorage holds -> a LastModel, or null (missing, another version, a hand edit). */
export function parseLastModel(text: string | null): LastModel | null {
  let v: unknown;
  try {
    v = JSON.parse(text ?? 'null');
  } catch {
    return null;
  }
  const o = v as {
    source?: { kind?: unknown; id?: unknown; url?: unknown; label?: unknown };
    backend?: unknown;
  };
  if (!o || typeof o !== 'object' || (o.backend !== 'webgpu' && o.backend !== 'wasm')) return null;
  const s = o.source;
  if (s?.kind === 'catalog' && typeof s.id === 'string' && s.id)
    return { source: { kind: 'catalog', id: s.id }, backend: o.backend };
  if (s?.kind === 'url' && typeof s.url === 'string' && s.url) {
    const label = typeof s.label === 'string' ? s.label : undefined;
    return { source: reloadableSource({ kind: 'url', url: s.url, label })!, backend: o.backend };
  }
  return null;
}

export function readLastModel(storage: Store | undefined = local()): LastModel | null {
  try {
    return parseLastModel(storage?.getItem(LAST) ?? null);
  } catch {
    return null; // storage refused (a sandboxed frame)
  }
}

/** Keeps `source` as the one to reload, or forgets the last one when `source` cannot be reloaded. */
export function rememberLastModel(
  source: ModelSource,
  backend: Backend,
  storage: Store | undefined = local(),
): void {
  const keep = reloadableSource(source);
  try {
    if (keep) storage?.setItem(LAST, JSON.stringify({ source: keep, backend } satisfies LastModel));
    else storage?.removeItem(LAST);
  } catch {
    // A full or refused localStorage only loses the convenience.
  }
}

export function reloadLastModelEnabled(storage: Store | undefined = local()): boolean {
  try {
    return storage?.getItem(ENABLED) !== 'off';
  } catch {
    return true;
  }
}

export function setReloadLastModel(on: boolean, storage: Store | undefined = local()): void {
  try {
    storage?.setItem(ENABLED, on ? 'on' : 'off');
  } catch {
    // as above
  }
}
