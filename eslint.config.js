import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of tests/support, lowest first: each may import only from those before it, so no folder
// reaches back up and no folder cycle can form. The harness (tests/support/*.ts: perf-case, ab-gate,
// global-setup, perf-setup) sits on top of them all, and the cases (tests/perf) on top of the harness.
const LAYERS = ['engine', 'mcp', 'shared', 'gateway', 'stack', 'monitor', 'analysis', 'k6', 'budget', 'report'];

const HARNESS = readdirSync(`${import.meta.dirname}/tests/support`).filter((f) => f.endsWith('.ts')).map((f) => `**/${f}`);

// Gateway knowledge stays in the adapters: above the stack, no layer imports them (the stack and the harness do).
const NO_ADAPTERS = new Set(['monitor', 'analysis', 'k6', 'budget', 'report']);

const RAW_ENV = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'read settings with config() (or outsideVariable(), environment()) from tests/support/shared/config.ts, not process.env: every setting is read there, checked against the catalogue and typed',
};

const layerRules = LAYERS.map((layer, i) => ({
  files: [`tests/support/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: [...LAYERS.slice(i + 1).map((above) => `**/${above}/**`), ...HARNESS],
        message: `tests/support/${layer} may import only from the layers below it (${LAYERS.slice(0, i).join(', ') || 'none'}); the order is ${LAYERS.join(' <- ')} <- the harness (tests/support/*.ts) <- the cases`,
      }, ...(NO_ADAPTERS.has(layer) ? [{
        group: ['**/gateway/**'],
        message: `tests/support/${layer} may not import a gateway adapter: what a gateway is stays in its adapter (tests/support/gateway/<kind>/), reached through the stack and StackInfo`,
      }] : [])],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'fixtures/servers/node_modules/**', 'reports/**', 'coverage/**', '.venv-contextforge/**', '.venv-litellm/**', 'scratch/**'] },
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
  {
    // Settings are read in one place, tests/support/shared/config.ts (config(): the run's typed configuration, built
    // once from the catalogue); the suite's own tests (tests/unit, tests/integration) may hand their children the
    // environment as it is. Scripts and the Vitest configs may also read a setting as set (setting()), before the
    // configuration exists or where a command's own default differs; the suite's support code and cases may not.
    files: ['scripts/**/*.ts', 'vitest.config.ts', 'vitest.perf.config.ts'],
    rules: { 'no-restricted-syntax': ['error', RAW_ENV] },
  },
  {
    files: ['tests/support/**/*.ts', 'tests/perf/**/*.ts'],
    ignores: ['tests/support/shared/config.ts'],
    rules: {
      'no-restricted-syntax': ['error', RAW_ENV, {
        selector: "ImportSpecifier[imported.name='setting']",
        message: 'read settings from config() (tests/support/shared/config.ts): typed, checked and with their defaults, the one value the run was handed; setting() is for scripts',
      }],
    },
  },
  {
    // A case reaches a gateway through the harness (capabilities, gatewayAdmin), never through its adapter.
    files: ['tests/perf/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/support/gateway/**'], message: 'a case may not import a gateway adapter: ask the harness (skipReason, gatewayAdmin, toolOperation), so that the case runs on every gateway' }],
      }],
    },
  },
);
