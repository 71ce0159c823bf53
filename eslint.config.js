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
  {
    // Layering (ARCHITECTURE in the README): model and agent never import UI, store or worker code.
    files: ['src/model/**', 'src/agent/**', 'src/convert/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '**/ui/**',
            '**/store/**',
            '**/worker/**',
            'react',
            'react-dom',
            'konva',
            'react-konva',
            'zustand',
          ],
        },
      ],
    },
  },
);
