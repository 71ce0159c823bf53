import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { ortAssets } from './scripts/vite-ort-assets';
import { contentSecurityPolicy } from './scripts/vite-csp';

// Cross-origin isolation lets onnxruntime-web use SharedArrayBuffer (multithreaded wasm).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  plugins: [react(), ortAssets(), contentSecurityPolicy()],
  server: { headers: isolation, port: 5173, strictPort: false },
  preview: { headers: isolation, port: 4173, strictPort: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        diagnostics: resolve(import.meta.dirname, 'diagnostics.html'),
        harness: resolve(import.meta.dirname, 'harness.html'),
        convertHarness: resolve(import.meta.dirname, 'convert-harness.html'),
      },
    },
  },
});
