import { defineConfig } from '@playwright/test';

// PW_PORT lets several checkouts run their end-to-end tests side by side.
const PORT = Number(process.env.PW_PORT ?? 4173);
/**
 * The workers' policy (scripts/vite-csp.ts) lists the model hosts `vite preview` finds in its own
 * environment: here the loopback hub of e2e/hub-convert.spec.ts (PORT + 3) and the CDN it redirects
 * tensor reads to (PORT + 4; `connect-src` applies to every redirect hop). PORT + 2 stays unlisted
 * (e2e/security.spec.ts).
 */
const HUB_PORT = PORT + 3;
const MODEL_HOSTS = `http://127.0.0.1:${HUB_PORT} http://127.0.0.1:${HUB_PORT + 1}`;

/**
 * End-to-end tests drive Debian's Chromium (Playwright cannot download browsers here) with WebGPU
 * enabled; without a GPU, Chromium falls back to SwiftShader, a software Vulkan, so the real WebGPU
 * code path runs, slowly. Tests run against the production build served by `vite preview`.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 300_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--use-webgpu-adapter=swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    viewport: { width: 1440, height: 900 },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    env: { DEEPEYES_MODEL_HOSTS: MODEL_HOSTS },
    url: `http://127.0.0.1:${PORT}/diagnostics.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
