/** One non-streamed text completion (the LLM judge): system + user text in, the reply text out. */
import { request, type ServerConfig } from './http';
import { parseCompletion } from './stream';

export async function completeText(
  cfg: ServerConfig,
  system: string,
  user: string,
  maxTokens: number,
  signal?: AbortSignal,
): Promise<string> {
  const res = await request(
    cfg,
    '/chat/completions',
    {
      model: cfg.model,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
      temperature: 0,
      max_tokens: maxTokens,
      stream: false,
    },
    signal,
  );
  return parseCompletion(await res.json()).delta.trim();
}
