import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

const SUBGRAPHS = ['portfolio', 'trading', 'market', 'advice'];

/**
 * Service boundaries. Each subgraph is deployed on its own, so it may use only its own folder and
 * the shared library; the router talks to subgraphs over HTTP only; the shared library knows no
 * service at all.
 */
const boundaryZones = [
  ...SUBGRAPHS.map((name) => ({
    target: `./subgraphs/${name}`,
    from: ['./subgraphs', './router', './scripts', './test'],
    except: [`./${name}`],
    message: `The ${name} subgraph may import only its own code and shared/.`,
  })),
  {
    target: './router',
    from: ['./subgraphs', './scripts', './test'],
    message: 'The router reaches subgraphs over HTTP, never by importing their code.',
  },
  {
    target: './shared',
    from: ['./subgraphs', './router', './scripts', './test'],
    message: 'shared/ is a library for every service and must not depend on any of them.',
  },
];

export default tseslint.config(
  {
    ignores: ['node_modules', '.data', 'coverage', 'dist', 'load/reports', '**/generated/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    languageOptions: { globals: globals.node },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
      'import-x/no-cycle': 'error',
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['scripts/**', 'test/**', 'load/**', '*.config.js'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
