// `npm run lint` = this (typescript-eslint's type-checked rules over src/, test/, bench/, scripts/,
// examples/, dashboard/ and the root configs) + `prettier --check .`. eslint-config-prettier comes last: layout
// is Prettier's job (.prettierrc.json), not a lint rule's.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    'node_modules/',
    'dist/',
    'coverage/',
    'src/generated/',
    'test/generated/',
    'dashboard/src/generated/',
    'test/.artifacts/',
    'data/',
    'cache/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // tsconfig.json covers the .ts files; the few plain .mjs/.js files get a default project so
        // the promise rules see them too.
        projectService: {
          allowDefaultProject: ['*.js', 'scripts/*.mjs', 'bench/lib/*.mjs', 'examples/*.mjs'],
          // The plain-JavaScript files outside tsconfig (scripts, examples, bench clients): 9 since
          // scripts/keys-new.mjs, over the default cap of 8.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // The dashboard runs in a browser (its type information comes from dashboard/tsconfig.json,
    // the nearest tsconfig to those files).
    files: ['dashboard/src/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Unhandled promises are the bugs this lint is here for: spelled out, whatever the preset does.
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Plain JavaScript has no parameter types, so every parameter is `any` to the checker: the
    // no-unsafe-* family would flag each use of one. The promise rules above still apply.
    files: ['**/*.js', '**/*.mjs'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
);
