import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public/models', 'test-results', 'playwright-report', 'artifacts'] },
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
  // Layering (Architecture in the README): each folder imports only the layers below it, and no
  // production folder imports test support (test/). One block per folder: later blocks replace the
  // rule, they do not add to it.
  ...layers({
    'src/base/**': ['image-io', 'model', 'delivery', 'convert', 'agent', 'worker', 'app', 'store', 'ui'],
    'src/image-io/**': ['model', 'delivery', 'convert', 'agent', 'worker', 'app', 'store', 'ui'],
    'src/model/**': [
      'image-io',
      'delivery',
      'convert',
      'agent',
      'worker',
      'app',
      'store',
      'ui',
      'golden',
      'cli',
    ],
    'src/convert/**': ['delivery', 'agent', 'worker', 'app', 'store', 'ui', 'golden', 'cli'],
    'src/delivery/**': ['agent', 'convert', 'worker', 'app', 'store', 'ui', 'golden', 'cli'],
    'src/agent/**': [
      'delivery',
      'convert',
      'worker',
      'app',
      'store',
      'ui',
      'golden',
      'cli',
      'server-engine',
      'serve',
    ],
    // The chat-server engine: base, image-io and the agent's protocol strings only.
    'src/server-engine/**': [
      'model',
      'delivery',
      'convert',
      'worker',
      'app',
      'store',
      'ui',
      'golden',
      'cli',
      'serve',
    ],
    // `npm run serve`: the model runtime behind an HTTP API; nothing of the agent or the app.
    'src/serve/**': [
      'delivery',
      'convert',
      'agent',
      'server-engine',
      'worker',
      'app',
      'store',
      'ui',
      'golden',
      'cli',
    ],
    'src/worker/**': ['app', 'store', 'ui', 'golden', 'cli'],
    'src/store/**': ['worker', 'app', 'ui', 'golden', 'cli', 'model', 'delivery', 'convert'],
    // The UI names model sources with delivery's ModelSource type; it never downloads itself.
    'src/ui/**': ['worker', 'app', 'golden', 'cli', 'model', 'convert'],
    'src/app/**': ['golden', 'cli', 'convert'],
    'src/offline/**': [
      'model',
      'delivery',
      'convert',
      'agent',
      'worker',
      'app',
      'store',
      'ui',
      'golden',
      'cli',
    ],
  }),
);

/** no-restricted-imports for each folder: the named src/ folders, test support, and UI libraries below the UI. */
function layers(forbidden) {
  const uiLibs = ['react', 'react-dom', 'konva', 'react-konva', 'zustand'];
  return Object.entries(forbidden).map(([files, folders]) => ({
    files: [files],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...folders.map((f) => ({
              group: [`**/${f}/**`, `**/${f}`],
              message: `layering: ${files} must not import src/${f}`,
            })),
            { group: ['**/test/**'], message: 'production code must not import test support' },
            ...(files.startsWith('src/ui') || files.startsWith('src/app') || files.startsWith('src/store')
              ? []
              : uiLibs.map((l) => ({ group: [l], message: 'no UI libraries below the UI' }))),
          ],
        },
      ],
    },
  }));
}
