import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'src/generated/**', 'coverage/**', 'node_modules/**', 'artifacts/**'] },
  js.configs.recommended,
  {
    files: ['*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@slack/*',
                '@prisma/*',
                'bullmq',
                'ioredis',
                'pg',
                'node:*',
                '../db/*',
                '../slack/*',
                '../jobs/*',
                '../http/*',
                '../generated/*',
              ],
              message: 'domain/ is pure: no Slack, Prisma, BullMQ or I/O.',
            },
          ],
        },
      ],
    },
  },
);
