/**
 * A strict Content-Security-Policy for the production build (reliability case 25): scripts and
 * workers only from the page's origin (plus wasm compilation), network only to the page's origin
 * and the model hosts. Dev mode is left alone (Vite injects inline scripts there).
 *
 * A `<meta>` policy governs the page only; the model worker, where every model request is made,
 * the conversion worker, which reads hub checkpoints, and the service worker take their policy from
 * their own response headers. So the policy is also
 * sent as a header: by `vite preview`, and, for static hosts, in a generated `_headers` file
 * (Netlify / Cloudflare Pages syntax; docs/reliability.md has the nginx equivalent).
 * Extra model hosts: DEEPEYES_MODEL_HOSTS="https://models.example.org https://cdn.example.org".
 * Chat servers the "Server" model source may call: loopback (`npm run serve`, a local vLLM) and
 * DEEPEYES_SERVER_HOSTS="https://gpu-box.example.org:8000"; nothing else.
 */
import type { Plugin } from 'vite';

const HF_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

const LOOPBACK_SERVERS = ['http://127.0.0.1:*', 'http://localhost:*'];

/**
 * The policy for the workers (model and conversion): the page's origin and the model hosts only.
 * The page's own policy adds the chat servers its "Server" model source may call (the agent runs on
 * the page for those): loopback and DEEPEYES_SERVER_HOSTS. The workers never talk to chat servers,
 * so a model URL on any other host, loopback included, is refused there.
 */
export function policyFor(
  extraHosts: string,
  page = false,
  serverHosts = process.env.DEEPEYES_SERVER_HOSTS ?? '',
): string {
  const hosts = [
    ...HF_HOSTS,
    ...extraHosts.split(/\s+/).filter(Boolean),
    ...(page ? [...LOOPBACK_SERVERS, ...serverHosts.split(/\s+/).filter(Boolean)] : []),
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
 * The responses that carry the policy header: the app's page, its model and conversion workers and
 * the service worker. The diagnostics page (and its workers) fetch from loopback test servers, so
 * not those. The conversion worker writes ONNX with static protobufjs code (no eval), so it runs
 * under `script-src 'self' 'wasm-unsafe-eval'`.
 */
const PAGE_PATHS = ['/', '/index.html'];
const WORKER_PATHS = ['/sw.js', '/assets/model.worker-*', '/assets/convert.worker-*'];

const matches = (path: string, p: string) =>
  p.endsWith('*') ? path.startsWith(p.slice(0, -1)) && path.endsWith('.js') : path === p;

/** Which policy a response gets: the page's, the workers', or none (diagnostics, assets). */
export function policyKind(urlPath: string): 'page' | 'worker' | null {
  const path = urlPath.split('?')[0];
  if (PAGE_PATHS.some((p) => matches(path, p))) return 'page';
  return WORKER_PATHS.some((p) => matches(path, p)) ? 'worker' : null;
}

/** The `_headers` file for static hosts: isolation everywhere, the policy where it applies. */
export function staticHeadersFile(
  policies: { page: string; worker: string },
  isolation: Record<string, string>,
): string {
  const lines = ['/*', ...Object.entries(isolation).map(([k, v]) => `  ${k}: ${v}`)];
  for (const p of PAGE_PATHS) lines.push(p, `  Content-Security-Policy: ${policies.page}`);
  for (const p of WORKER_PATHS) lines.push(p, `  Content-Security-Policy: ${policies.worker}`);
  return `${lines.join('\n')}\n`;
}

export function contentSecurityPolicy(
  isolation: Record<string, string>,
  extraHosts = process.env.DEEPEYES_MODEL_HOSTS ?? '',
): Plugin[] {
  const policies = { page: policyFor(extraHosts, true), worker: policyFor(extraHosts) };
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
          `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policies.page}" />`,
        );
      },
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: staticHeadersFile(policies, isolation) });
    },
  };
  // `vite preview` resolves plugins as for 'serve', so its hook lives in a plugin of its own.
  const preview: Plugin = {
    name: 'deepeyes-csp-preview',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const kind = policyKind(req.url ?? '');
        if (kind) res.setHeader('Content-Security-Policy', policies[kind]);
        next();
      });
    },
  };
  return [build, preview];
}
