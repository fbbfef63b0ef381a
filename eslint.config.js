// Type-aware linting for the whole project (typescript-eslint flat config).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'demo-out/**', 'coverage/**', 'dist/**', '.demo/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // The pure core never imports the I/O shell.
    files: ['src/stats/**', 'src/timeline/**', 'src/analysis/**', 'src/reports/**', 'src/sim/**', 'src/contract/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/db/**', '**/workers/**', '**/jobs/**', '**/notify/**', '**/cli/**', '**/config/**'], message: 'The pure core must not import the I/O shell.' },
          { group: ['pg', 'kysely', 'bullmq', 'ioredis', 'nodemailer', 'node:fs', 'node:fs/promises', 'node:net', 'node:http', 'fs', 'playwright-core'], message: 'The pure core does no I/O.' },
        ],
      }],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
