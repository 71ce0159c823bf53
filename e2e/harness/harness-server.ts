/**
 * The delivery harness page (harness.html, src/harness) is test-only, so it is not in the
 * production build: the tests serve it from Vite's dev server, started once per Playwright worker
 * on a free loopback port (Playwright starts a second worker for specs with other options, and
 * both may be alive at once).
 */
import { resolve } from 'node:path';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createServer, type ViteDevServer } from 'vite';

/** A port nothing listens on now, from the OS. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createNetServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => ok(port));
    });
  });
}

const ROOT = resolve(import.meta.dirname, '../..');

let server: Promise<{ vite: ViteDevServer; port: number }> | null = null;

/** The harness origin's base URL ("http://127.0.0.1:PORT/"), starting its server on first use. */
export async function harnessBaseUrl(): Promise<string> {
  server ??= freePort().then(async (port) => {
    const vite = await createServer({
      root: ROOT,
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      server: { host: '127.0.0.1', port, strictPort: true },
      // Pre-bundle only what the harness pages import, not the whole app.
      optimizeDeps: { entries: ['harness.html', 'convert-harness.html', 'model-harness.html'] },
    });
    await vite.listen();
    return { vite, port };
  });
  const { port } = await server;
  return `http://127.0.0.1:${port}/`;
}

/** Stops the dev server, for a script (a bench) that must exit when done; tests leave it to the worker's end. */
export async function closeHarnessServer(): Promise<void> {
  const s = server;
  server = null;
  if (s) await (await s).vite.close();
}
