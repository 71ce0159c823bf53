/**
 * Where Hugging Face repos are read from in the app (the app's HF_ENDPOINT and HF_TOKEN): kept in
 * this browser's localStorage, written by the model picker and read when a repo is loaded. The
 * token is only ever sent to the endpoint's own host (src/delivery/hub/hub-files.ts).
 */
export interface HubSettings {
  /** Empty: https://huggingface.co. */
  endpoint: string;
  token: string;
}

const KEY = 'deepeyes.hub-settings';

export function readHubSettings(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): HubSettings {
  try {
    const v = JSON.parse(storage?.getItem(KEY) ?? '{}') as Partial<HubSettings>;
    return {
      endpoint: typeof v.endpoint === 'string' ? v.endpoint : '',
      token: typeof v.token === 'string' ? v.token : '',
    };
  } catch {
    return { endpoint: '', token: '' };
  }
}

export function writeHubSettings(
  s: HubSettings,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  storage?.setItem(KEY, JSON.stringify({ endpoint: s.endpoint.trim(), token: s.token.trim() }));
}
