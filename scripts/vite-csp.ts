/**
 * A strict Content-Security-Policy for the production build (reliability case 25): scripts and
 * workers only from the page's origin (plus wasm compilation), network only to the page's origin
 * and the model hosts. Dev mode is left alone (Vite injects inline scripts there).
 * Extra model hosts: DEEPEYES_MODEL_HOSTS="https://models.example.org https://cdn.example.org".
 * Chat servers the "Server" model source may call: loopback (`npm run serve`, a local vLLM) and
 * DEEPEYES_SERVER_HOSTS="https://gpu-box.example.org:8000"; nothing else.
 */
import type { Plugin } from 'vite';

const HF_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

const LOOPBACK_SERVERS = ['http://127.0.0.1:*', 'http://localhost:*'];

export function contentSecurityPolicy(
  extraHosts = process.env.DEEPEYES_MODEL_HOSTS ?? '',
  serverHosts = process.env.DEEPEYES_SERVER_HOSTS ?? '',
): Plugin {
  const hosts = [
    ...HF_HOSTS,
    ...extraHosts.split(/\s+/).filter(Boolean),
    ...LOOPBACK_SERVERS,
    ...serverHosts.split(/\s+/).filter(Boolean),
  ];
  const policy = [
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
  return {
    name: 'deepeyes-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        // The diagnostics and test-harness pages fetch from loopback test servers; the app does not.
        if (!ctx.path.endsWith('index.html')) return html;
        return html.replace(
          '<head>',
          `<head>\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`,
        );
      },
    },
  };
}
