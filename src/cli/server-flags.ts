/**
 * `--server URL --model NAME [--api-key KEY]`: the chat-server engine for run-model and evaluate
 * (vLLM, SGLang, llama.cpp or `npm run serve`). The key may also come from DEEPEYES_API_KEY so it
 * stays out of shell history.
 */
import { ChatServerEngine } from '../server-engine/chat-server-engine';
import { numberFlag, stringFlag, type Flags, type UsageErrorFactory } from './cli-args';
import { STOCK_IMAGE_LIMITS } from '../server-engine/models';
import type { ImageLimits } from '../base/engine';

export interface ServerArgs {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** The server's processor limits when they are not the stock ones (--min-pixels/--max-pixels). */
  imageLimits?: ImageLimits;
}

export function serverArgsFromFlags(flags: Flags, usage: UsageErrorFactory): ServerArgs | undefined {
  const baseUrl = stringFlag(flags, 'server');
  if (baseUrl === undefined) {
    if (flags.has('model')) throw usage('--model names a model on a server: give --server URL too');
    return undefined;
  }
  try {
    new URL(baseUrl);
  } catch {
    throw usage(`--server must be a URL such as http://127.0.0.1:8000/v1, got "${baseUrl}"`);
  }
  const model = stringFlag(flags, 'model');
  if (!model) throw usage('--server needs --model NAME (the name the server lists at /v1/models)');
  const apiKey = stringFlag(flags, 'api-key') ?? process.env.DEEPEYES_API_KEY;
  const px = (k: string) => (flags.has(k) ? numberFlag(flags, k, 0, usage) : undefined);
  const minPixels = px('min-pixels');
  const maxPixels = px('max-pixels');
  const imageLimits =
    minPixels !== undefined || maxPixels !== undefined
      ? { ...STOCK_IMAGE_LIMITS, ...(minPixels ? { minPixels } : {}), ...(maxPixels ? { maxPixels } : {}) }
      : undefined;
  return { baseUrl, model, ...(apiKey ? { apiKey } : {}), ...(imageLimits ? { imageLimits } : {}) };
}

/** An engine per parallel conversation, after one health check (the server is up and serves the model). */
export async function connectServer(
  args: ServerArgs,
  count: number,
  log: (s: string) => void,
): Promise<ChatServerEngine[]> {
  const onRetry = (attempt: number, waitMs: number, status: number) =>
    log(`server busy (HTTP ${status}); retry ${attempt} in ${(waitMs / 1000).toFixed(1)} s\n`);
  const first = new ChatServerEngine({ ...args, onRetry });
  await first.connect();
  const limits = first.imageLimits;
  log(
    `server ${args.baseUrl}, model "${args.model}" (images up to ${((limits.maxPixels ?? 0) / 1e6).toFixed(2)} MP)\n`,
  );
  return [
    first,
    ...Array.from(
      { length: count - 1 },
      () => new ChatServerEngine({ ...args, imageLimits: limits, onRetry }),
    ),
  ];
}
