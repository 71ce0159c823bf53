import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'public/models',
      'test-results',
      'playwright-report',
      'artifacts',
      'src/convert/onnx/onnx-pb.*',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  // Layering (Architecture in the README): each src/ folder names the folders it may import; every
  // other src/ folder is refused, and no production folder imports test support (test/). The
  // entry points on top (cli, golden, diagnostics, harness) may import any layer.
  ...layers({
    base: [],
    'image-io': ['base'],
    model: ['base'],
    offline: ['base'],
    convert: ['base', 'image-io', 'model'],
    delivery: ['base', 'model'],
    agent: ['base', 'image-io', 'model'],
    // The chat-server engine: base, image-io and the agent's protocol strings only.
    'server-engine': ['base', 'image-io', 'agent'],
    // `npm run serve`: the model runtime behind an HTTP API; nothing of the agent or the app.
    serve: ['base', 'image-io', 'model'],
    worker: ['base', 'image-io', 'model', 'delivery', 'convert', 'agent'],
    store: ['base', 'image-io', 'agent'],
    // The UI names model sources with delivery's ModelSource type; it never downloads itself.
    ui: ['base', 'image-io', 'agent', 'delivery', 'store'],
    app: [
      'base',
      'image-io',
      'model',
      'delivery',
      'agent',
      'server-engine',
      'worker',
      'store',
      'ui',
      'offline',
    ],
  }),
);

/** no-restricted-imports for each layer: the src/ folders it may not import, test support, and UI libraries below the UI. */
function layers(allowed) {
  const top = ['cli', 'golden', 'diagnostics', 'harness'];
  const folders = [...Object.keys(allowed), ...top];
  const uiLibs = ['react', 'react-dom', 'konva', 'react-konva', 'zustand'];
  const ui = new Set(['ui', 'app', 'store']);
  return Object.entries(allowed).map(([layer, may]) => ({
    files: [`src/${layer}/**`],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...folders
              .filter((f) => f !== layer && !may.includes(f))
              .map((f) => ({
                group: [`**/${f}/**`, `**/${f}`],
                message: `layering: src/${layer} may import only ${may.join(', ') || 'nothing'} (not src/${f})`,
              })),
            { group: ['**/test/**'], message: 'production code must not import test support' },
            ...(ui.has(layer)
              ? []
              : uiLibs.map((l) => ({ group: [l], message: 'no UI libraries below the UI' }))),
          ],
        },
      ],
    },
  }));
}
