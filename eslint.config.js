// ESLint flat config. Syntax-only (no type-aware rules), so `eslint .` stays fast; tsc does the type checks.
// The rule that matters most here is local/layering: which folder may import what (DESIGN.md §3).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layering, { coreRestrictedGlobals } from './eslint-rules/layering.js';

const local = { meta: { name: 'local' }, rules: { layering } };

/** `_name` marks a deliberately unused binding (a rest sibling left out, an ignored callback argument). */
const unusedVars = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true };

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    'dist/',
    'release/',
    'test-results/',
    '.daomesh-dev/',
    // Deliberately broken sources that test/layering.test.ts lints as if they sat elsewhere.
    'test/fixtures/layering/',
  ]),

  {
    files: ['**/*.{js,mjs,cjs,ts,mts,cts,tsx}'],
    extends: [js.configs.recommended],
    plugins: { local },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: globals.node },
    rules: {
      'local/layering': 'error',
      'no-unused-vars': ['error', unusedVars],
    },
  },

  {
    files: ['**/*.{ts,mts,cts,tsx}'],
    extends: [tseslint.configs.recommended],
    rules: { '@typescript-eslint/no-unused-vars': ['error', unusedVars] },
  },

  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },

  // The UI runs in a browser; its build config runs in Node.
  { files: ['app/**'], ignores: ['app/*.config.*'], languageOptions: { globals: globals.browser } },

  // core/ runs anywhere: no environment globals at all (tsconfig.core.json checks the same without Node or DOM types).
  {
    files: ['core/**'],
    ignores: ['core/**/*.test.*'],
    languageOptions: { globals: {} },
    rules: { 'no-restricted-globals': ['error', ...coreRestrictedGlobals] },
  },
]);
