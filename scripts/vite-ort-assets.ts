/**
 * Serves onnxruntime-web's wasm runtime from our own origin (no CDN): in dev from node_modules,
 * in the build as files under `ort/`. The WebGPU bundle embeds its JS glue and fetches only the
 * asyncify wasm; the plain files are kept for the WASM-only fallback.
 */
import { createReadStream, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const DIST = join(import.meta.dirname, '..', 'node_modules', 'onnxruntime-web', 'dist');
export const ORT_FILES = [
  'ort-wasm-simd-threaded.asyncify.wasm',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort-wasm-simd-threaded.mjs',
];

export function ortAssets(): Plugin {
  return {
    name: 'deepeyes-ort-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/ort\/([\w.-]+)(\?.*)?$/.exec(req.url ?? '');
        if (!m || !ORT_FILES.includes(m[1]) || !existsSync(join(DIST, m[1]))) return next();
        res.setHeader('Content-Type', m[1].endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        createReadStream(join(DIST, m[1])).pipe(res);
      });
    },
    generateBundle() {
      for (const f of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `ort/${f}`, source: readFileSync(join(DIST, f)) });
      }
    },
  };
}
