/**
 * A Hugging Face repo reference and its file URLs: `{endpoint}/{repo}/resolve/{revision}/{file}`,
 * the layout huggingface_hub uses (HF_ENDPOINT points it at a mirror or a test server).
 */
import { HubRefError } from './hub-errors';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface HubRef {
  /** owner/name */
  repo: string;
  revision: string;
}

const REPO = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/;

/**
 * `hf:owner/name`, `owner/name@revision`, or a https://huggingface.co/owner/name[/tree/rev] URL.
 * Returns null for text that is no repo id (a local path, another URL).
 */
export function parseHubRef(text: string): HubRef | null {
  let t = text.trim();
  const url =
    /^https?:\/\/(?:www\.)?huggingface\.co\/([^/]+\/[^/?#]+)(?:\/(?:tree|resolve|blob)\/([^/?#]+))?\/?$/.exec(
      t,
    );
  if (url) t = url[1] + (url[2] ? `@${url[2]}` : '');
  else if (t.startsWith('hf:')) t = t.slice(3);
  else if (/^[a-z]+:/i.test(t) || t.startsWith('.') || t.startsWith('/')) return null;
  const at = t.indexOf('@');
  const repo = at < 0 ? t : t.slice(0, at);
  const revision = at < 0 ? 'main' : t.slice(at + 1);
  if (!REPO.test(repo) || repo.includes('..') || !revision || /[\s?#]/.test(revision)) return null;
  return { repo, revision };
}

/** Like parseHubRef, but a typed error for text that is not a repo id. */
export function requireHubRef(text: string): HubRef {
  const ref = parseHubRef(text);
  if (!ref) throw new HubRefError(text);
  return ref;
}

export function hubFileUrl(endpoint: string, ref: HubRef, file: string): string {
  const base = endpoint.replace(/\/+$/, '');
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${base}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${path}`;
}

export function formatHubRef(ref: HubRef): string {
  return `hf:${ref.repo}@${ref.revision}`;
}
