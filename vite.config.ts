import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { ortAssets } from './scripts/vite-ort-assets';
import { contentSecurityPolicy } from './scripts/vite-csp';
import { offlineSupport } from './scripts/vite-offline';

// Cross-origin isolation lets onnxruntime-web use SharedArrayBuffer (multithreaded wasm).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Tells a returning visitor that the app changed since their last visit (src/offline/register.ts). */
const buildId = new Date().toISOString();

export default defineConfig({
  base: './',
  define: { __DEEPEYES_BUILD_ID__: JSON.stringify(buildId) },
  plugins: [react(), ortAssets(), contentSecurityPolicy(isolation), offlineSupport()],
  server: { headers: isolation, port: 5173, strictPort: false },
  preview: { headers: isolation, port: 4173, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // harness.html and convert-harness.html (test hooks: clear OPFS, flip bytes, drive the
      // converter) are test-only: the e2e tests
      // serve them from the dev server (e2e/harness/harness-server.ts), never from the build.
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        diagnostics: resolve(import.meta.dirname, 'diagnostics.html'),
      },
    },
  },
});
