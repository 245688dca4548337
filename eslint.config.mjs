// @ts-check
/**
 * Lint: typescript-eslint's type-checked rules for promise handling and exhaustive switches, a small recommended
 * base, and the import boundaries of eslint/boundaries.cjs (generated from the layer table in eslint/lib-layers.cjs).
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './eslint/boundaries.cjs';

export default tseslint.config(
  { ignores: ['dist/**', 'artifacts/**', 'node_modules/**', 'docker/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['{apps,libs,devices-sim,test,eslint}/**/*.{ts,tsx,mts}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        // Every .ts file outside the console belongs to tsconfig.json; the console's to apps/console/tsconfig.json.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default` branch is a deliberate choice for the cases it covers, so it is not flagged; without one, every
      // member of the union must have its case. (considerDefaultExhaustiveForUnions: a switch over a union with a
      // default is exhaustive; the cases it leaves out are the author's decision, e.g. "every other domain".)
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // tsc already reports unused locals and parameters (noUnusedLocals/noUnusedParameters), with `_` conventions
      // ESLint's rule does not share; one report per mistake is enough.
      '@typescript-eslint/no-unused-vars': 'off',
      // TypeScript checks undefined names far better than ESLint's scope analysis, which knows no DOM/Node globals.
      'no-undef': 'off',
      // A `let` read by a closure before its one assignment (a server handler that needs the object built after it)
      // cannot be a const; the rule's own option for that case.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // The console's specs are excluded from apps/console/tsconfig.json (the bundle must not see jest types);
    // tsconfig.spec.json there adds them, and this block points the parser at it.
    files: ['apps/console/**/*.spec.ts'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './apps/console/tsconfig.spec.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  ...boundaries.boundaryConfigs(),
);
