import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of tests/support, lowest first: each may import only from those before it, so no folder
// reaches back up and no folder cycle can form. The harness (tests/support/*.ts: perf-case, ab-gate,
// global-setup, perf-setup) sits on top of them all, and the cases (tests/perf) on top of the harness.
const LAYERS = ['engine', 'mcp', 'shared', 'gateway', 'stack', 'monitor', 'analysis', 'k6', 'budget', 'report'];

const layerRules = LAYERS.map((layer, i) => ({
  files: [`tests/support/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: [...LAYERS.slice(i + 1).map((above) => `../${above}/*`), '../*.ts'],
        message: `tests/support/${layer} may import only from the layers below it (${LAYERS.slice(0, i).join(', ') || 'none'}); the order is ${LAYERS.join(' <- ')} <- the harness (tests/support/*.ts) <- the cases`,
      }],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'fixtures/servers/node_modules/**', 'reports/**', 'coverage/**', '.venv-contextforge/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  ...layerRules,
);
