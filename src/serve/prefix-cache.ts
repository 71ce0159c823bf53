/**
 * Which part of a request's prompt the live KV cache already holds (vLLM's automatic prefix
 * caching, for one conversation at a time). The cache holds `cached` ids; an image's pad run is
 * the same tokens whatever the picture, so images are compared by digest too. The cache can only
 * grow: when it is not wholly a prefix of the new prompt it is dropped and the prompt fed whole.
 */
export interface CachedImage {
  /** Index of the image's first pad token in the ids. */
  start: number;
  digest: string;
}

export interface PromptKey {
  ids: readonly number[];
  images: readonly CachedImage[];
}

/** Ids of `next` the cache already holds (0: start again), never all of them (the last must run). */
export function reusableLength(cached: PromptKey, next: PromptKey): number {
  const n = cached.ids.length;
  if (n === 0 || n >= next.ids.length) return 0;
  for (let i = 0; i < n; i++) if (cached.ids[i] !== next.ids[i]) return 0;
  const held = cached.images.length;
  if (next.images.length < held) return 0;
  for (let k = 0; k < held; k++) {
    const a = cached.images[k];
    const b = next.images[k];
    if (a.start !== b.start || a.digest !== b.digest) return 0;
  }
  // An image of the new prompt whose pads begin before n would already be (wrongly) in the cache.
  if (next.images.length > held && next.images[held].start < n) return 0;
  return n;
}
