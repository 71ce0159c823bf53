/**
 * The delivery harness page (harness.html, src/harness) is test-only, so it is not in the
 * production build: the tests serve it from Vite's dev server, started once per Playwright worker
 * on PW_PORT + 1 (next to the preview server, inside the same checkout's port range).
 */
import { resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');
const PORT = Number(process.env.PW_PORT ?? 4173) + 1;

let server: Promise<ViteDevServer> | null = null;

/** The harness origin's base URL ("http://127.0.0.1:PORT/"), starting its server on first use. */
export async function harnessBaseUrl(): Promise<string> {
  server ??= createServer({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: PORT, strictPort: true },
    // Pre-bundle only what the harness imports, not the whole app.
    optimizeDeps: { entries: ['harness.html', 'convert-harness.html'] },
  }).then(async (s) => {
    await s.listen();
    return s;
  });
  await server;
  return `http://127.0.0.1:${PORT}/`;
}
