#!/usr/bin/env node
// The `yracer` command (see src/server/cli.ts). Runs the built package (dist/).
// Signals work from the first moment: while the package loads nothing is open
// yet, so SIGINT/SIGTERM exit 0 at once; `main` handles them from its start
// (closing what it opened).
const exitAtOnce = () => process.exit(0);
process.on('SIGINT', exitAtOnce);
process.on('SIGTERM', exitAtOnce);

const { main } = await import('../dist/server/cli.js');
const running = main(process.argv.slice(2)); // installs its own signal handling before it opens anything
process.off('SIGINT', exitAtOnce);
process.off('SIGTERM', exitAtOnce);

running.then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error) => {
    console.error(`yracer: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
