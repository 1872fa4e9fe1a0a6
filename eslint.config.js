// One linter for the repository. Besides the usual rules it enforces the
// layer graph of docs/architecture.md: each folder under src/ may import only the layers
// below it (model/ imports nothing but yjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name) => [`**/${name}/**`, `../${name}`, `../${name}/**`, `../../${name}/**`];
const restrict = (files, layers, packages = [], message = 'crosses a layer boundary (see docs/architecture.md "Layers")') => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: layers.flatMap(layer), message: `This import ${message}.` },
          ...(packages.length ? [{ group: packages, message: `This package is not allowed in this layer (${message}).` }] : []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'example-app/dist/**', 'data/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { console: 'readonly', process: 'readonly', queueMicrotask: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  restrict(['src/model/**'], ['client', 'server', 'react', 'protocol', 'storage', 'fanout'], ['ws', 'react', 'react-dom', 'better-sqlite3', 'pg', 'ioredis', 'redis', '@redis/*', 'node:*', 'y-protocols', 'y-protocols/*', 'y-websocket', 'y-indexeddb'], 'keeps src/model framework-free'),
  restrict(['src/query/**'], ['client', 'server', 'react', 'model', 'protocol', 'storage', 'fanout'], ['yjs', 'lib0', 'lib0/*', 'ws', 'react', 'node:*', 'y-protocols', 'y-protocols/*'], 'keeps the query language dependency-free'),
  restrict(['src/protocol/**'], ['client', 'server', 'react', 'model', 'storage', 'fanout'], ['ws', 'react', 'node:*']),
  restrict(['src/schema/**'], ['client', 'server', 'react', 'model', 'protocol', 'storage', 'query', 'fanout'], ['yjs', 'lib0', 'lib0/*', 'ws', 'react', 'node:*', 'y-protocols', 'y-protocols/*', 'zod'], 'keeps schema validation dependency-free (Standard Schema types only)'),
  restrict(['src/client/**'], ['server', 'react', 'storage', 'fanout'], ['ws', 'react', 'better-sqlite3', 'pg', '@redis/*', 'node:*']),
  restrict(['src/react/**'], ['server', 'storage', 'protocol', 'fanout'], ['ws', 'better-sqlite3', 'pg', '@redis/*', 'node:*']),
  restrict(['src/storage/**'], ['client', 'server', 'react', 'model', 'protocol', 'fanout'], ['react', 'yjs', 'y-protocols', 'y-protocols/*', 'lib0', 'lib0/*'], 'keeps storage to bytes and JSON'),
  restrict(['src/fanout/**'], ['client', 'server', 'react', 'model', 'protocol', 'storage', 'query', 'schema'], ['react', 'react-dom', 'ws', 'yjs', 'y-protocols', 'y-protocols/*', 'lib0', 'lib0/*', 'better-sqlite3', 'pg'], 'keeps the fan-out a transport of bytes'),
  restrict(['src/server/**'], ['client', 'react'], ['react', 'react-dom']),
  restrict(['src/devtools/**'], ['server', 'storage', 'fanout', 'client'], ['ws', 'better-sqlite3', 'pg', '@redis/*', 'node:*'], 'keeps devtools to the browser side'),
);
