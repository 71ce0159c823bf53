/**
 * A strict Content-Security-Policy for the production build (reliability case 25): scripts and
 * workers only from the page's origin (plus wasm compilation), network only to the page's origin
 * and the model hosts. Dev mode is left alone (Vite injects inline scripts there).
 *
 * A `<meta>` policy governs the page only; the model worker, where every model request is made,
 * and the service worker take their policy from their own response headers. So the policy is also
 * sent as a header: by `vite preview`, and, for static hosts, in a generated `_headers` file
 * (Netlify / Cloudflare Pages syntax; docs/reliability.md has the nginx equivalent).
 * Extra model hosts: DEEPEYES_MODEL_HOSTS="https://models.example.org https://cdn.example.org".
 * Chat servers the "Server" model source may call: loopback (`npm run serve`, a local vLLM) and
 * DEEPEYES_SERVER_HOSTS="https://gpu-box.example.org:8000"; nothing else.
 */
import type { Plugin } from 'vite';

const HF_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

const LOOPBACK_SERVERS = ['http://127.0.0.1:*', 'http://localhost:*'];

export function policyFor(extraHosts: string, serverHosts = process.env.DEEPEYES_SERVER_HOSTS ?? ''): string {
  const hosts = [
    ...HF_HOSTS,
    ...extraHosts.split(/\s+/).filter(Boolean),
    ...LOOPBACK_SERVERS,
    ...serverHosts.split(/\s+/).filter(Boolean),
  ];
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src 'self' ${hosts.join(' ')}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The responses that carry the policy header: the app's page, its model worker and the service
 * worker. The diagnostics page (and its workers) fetch from loopback test servers, so not those.
 */
export const POLICY_PATHS = [
  '/',
  '/index.html',
  '/sw.js',
  '/assets/model.worker-*',
  '/assets/convert.worker-*',
];

export function needsPolicy(urlPath: string): boolean {
  const path = urlPath.split('?')[0];
  return POLICY_PATHS.some((p) =>
    p.endsWith('*') ? path.startsWith(p.slice(0, -1)) && path.endsWith('.js') : path === p,
  );
}

/** The `_headers` file for static hosts: isolation everywhere, the policy where it applies. */
export function staticHeadersFile(policy: string, isolation: Record<string, string>): string {
  const lines = ['/*', ...Object.entries(isolation).map(([k, v]) => `  ${k}: ${v}`)];
  for (const p of POLICY_PATHS) lines.push(p, `  Content-Security-Policy: ${policy}`);
  return `${lines.join('\n')}\n`;
}

export function contentSecurityPolicy(
  isolation: Record<string, string>,
  extraHosts = process.env.DEEPEYES_MODEL_HOSTS ?? '',
): Plugin[] {
  const policy = policyFor(extraHosts);
  const build: Plugin = {
    name: 'deepeyes-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        // The diagnostics page fetches from loopback test servers; the app does not.
        if (!ctx.path.endsWith('index.html')) return html;
        return html.replace(
          '<head>',
          `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
        );
      },
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: staticHeadersFile(policy, isolation) });
    },
  };
  // `vite preview` resolves plugins as for 'serve', so its hook lives in a plugin of its own.
  const preview: Plugin = {
    name: 'deepeyes-csp-preview',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if (needsPolicy(req.url ?? '')) res.setHeader('Content-Security-Policy', policy);
        next();
      });
    },
  };
  return [build, preview];
}
