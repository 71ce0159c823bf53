/**
 * npm run serve -- <model-dir> [options]
 *
 * An OpenAI-compatible chat-completions server over the project's own Node runtime
 * (onnxruntime-node, CPU): for a lab box without Python, and for the tests. One request at a time
 * (others queue); the KV cache of the live conversation is reused when the next request extends it.
 *
 *   --port 8000 --host 127.0.0.1
 *   --name NAME              the model name clients send (default: the folder's name)
 *   --cors ORIGIN[,ORIGIN]   browser origins allowed to call it ('*' for any; default none)
 *   --api-key KEY            require "Authorization: Bearer KEY"
 *   --max-body MB            request size limit (default 64)
 *   --max-queue N            requests allowed to wait (default 16; more get 503)
 *   --max-model-len N        prompt + answer tokens (default 32768)
 *   --keep-conversations N   conversations whose KV cache is kept for reuse (default 4)
 *   --variant q4|fp32|q4f16
 */
import { basename, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Variant } from '../base/types';
import { ModelHost } from '../serve/model-host';
import { createServeServer } from '../serve/server';
import { numberFlag, parseArgv, stringFlag } from './cli-args';
import { loadNodeEngine } from './node-engine';

export class ServeUsageError extends Error {
  constructor(message: string) {
    super(
      `${message}\nusage: npm run serve -- <model-dir> [--port 8000] [--name NAME] [--cors ORIGIN] [--api-key KEY]`,
    );
    this.name = 'ServeUsageError';
  }
}

const usage = (m: string) => new ServeUsageError(m);

export async function main(argv: string[], log = (s: string) => void process.stderr.write(s)): Promise<void> {
  const { positional, flags } = parseArgv(argv, [], usage);
  const [modelDir] = positional;
  if (!modelDir) throw usage('missing <model-dir>');
  const port = numberFlag(flags, 'port', 8000, usage);
  const hostName = stringFlag(flags, 'host') ?? '127.0.0.1';
  const { engine } = await loadNodeEngine(modelDir, stringFlag(flags, 'variant') as Variant | undefined, log);
  const name = stringFlag(flags, 'name') ?? basename(resolve(modelDir));
  const model = {
    modelId: name,
    runtime: engine.runtime,
    tokenizer: engine.tokenizer,
    template: engine.template,
    imageLimits: engine.imageLimits,
  };
  const host = new ModelHost(
    model,
    numberFlag(flags, 'max-model-len', 32768, usage),
    numberFlag(flags, 'keep-conversations', 4, usage),
  );
  const cors = (stringFlag(flags, 'cors') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const { server } = createServeServer(host, {
    corsOrigins: cors,
    apiKey: stringFlag(flags, 'api-key'),
    maxBodyBytes: numberFlag(flags, 'max-body', 64, usage) * 2 ** 20,
    maxQueue: numberFlag(flags, 'max-queue', 16, usage),
    defaultMaxTokens: 2048,
    log: (l) => log(l + '\n'),
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, hostName, () => ok());
  });
  const addr = server.address() as AddressInfo;
  // Tests and scripts wait for this exact line.
  log(
    `serving "${name}" at http://${addr.address}:${addr.port}/v1${cors.length ? ` (CORS: ${cors.join(', ')})` : ''}\n`,
  );
  const stop = () => {
    server.close();
    void engine.dispose().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('cli/serve.ts')) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(e instanceof ServeUsageError ? 2 : 1);
  });
}
