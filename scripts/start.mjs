#!/usr/bin/env node
// `npm start` / `npm run dev`: will build and serve the todos example (page,
// server-side render and sync server on http://localhost:3000, SQLite in
// ./data). The example app, the sync server and the React bindings are not
// built yet, so this says what it will do and exits with an error rather than
// pretending to work.
const mode = process.argv.includes('--dev') ? 'npm run dev' : 'npm start';
console.error(
  [
    `yracer: ${mode} is not available yet.`,
    '',
    'When the todos example lands it will:',
    '  1. build example-app/ with Vite,',
    '  2. start one Node process serving the page, its server-side render and the',
    '     sync server on http://localhost:3000, with SQLite in ./data.',
    '',
    'Today the library has its model core only. Try it with `npm test`, or see',
    'README.md ("Model API") for a runnable example.',
  ].join('\n'),
);
process.exit(1);
