/**
 * Node only (tests): a stand-in for a vLLM server on loopback that answers each chat-completions
 * request with the next scripted assistant text, streamed the way vLLM streams (role chunk,
 * content chunks, a finishing chunk whose stop_reason names the matched stop string, which is
 * dropped from the text, a usage chunk, [DONE]). It records every request body. Used where the
 * tiny model cannot be made to call a tool; our own `serve` is tested for real elsewhere.
 */
import { createServer, type Server } from 'node:http';

export interface ScriptedChatServer {
  baseUrl: string;
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startScriptedChatServer(port: number, turns: string[]): Promise<ScriptedChatServer> {
  const requests: Record<string, unknown>[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'scripted', object: 'model' }] }));
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const json = JSON.parse(body) as Record<string, unknown> & { stop?: string[] };
      requests.push(json);
      let text = turns[next++] ?? '<answer>?</answer>';
      let stopReason: string | null = null;
      for (const s of json.stop ?? []) {
        const at = text.indexOf(s);
        if (at >= 0) {
          text = text.slice(0, at);
          stopReason = s;
        }
      }
      const chunk = (choices: unknown[], usage: unknown = null) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'scripted', choices, usage })}\n\n`;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
      for (let i = 0; i < text.length; i += 7)
        res.write(chunk([{ index: 0, delta: { content: text.slice(i, i + 7) }, finish_reason: null }]));
      res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop', stop_reason: stopReason }]));
      res.write(
        chunk([], {
          prompt_tokens: 100 + next,
          completion_tokens: Math.ceil(text.length / 4),
          total_tokens: 0,
        }),
      );
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
