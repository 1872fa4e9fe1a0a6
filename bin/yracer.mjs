#!/usr/bin/env node
// The `yracer` command (see src/server/cli.ts). Runs the built package (dist/).
import { main } from '../dist/server/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error) => {
    console.error(`yracer: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
