/**
 * The `yracer` command line.
 *
 *   yracer serve [--port 8080] [--host 127.0.0.1] [--db ./data/yracer.db]
 *
 * Starts a sync server on SQLite, prints the URL it listens on, and shuts
 * down gracefully on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { sqliteStorage } from '../storage/sqlite-storage.ts';
import { createServer } from './create-server.ts';

const USAGE = 'usage: yracer serve [--port 8080] [--host 127.0.0.1] [--db ./data/yracer.db]';

/** Runs the CLI with the given arguments (without `node` and the script). */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        db: { type: 'string', default: './data/yracer.db' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`yracer: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals[0] !== 'serve' || positionals.length !== 1) {
    console.error(`yracer: unknown command "${positionals.join(' ')}"\n${USAGE}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`yracer: --port must be a number from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  const server = createServer({ storage: sqliteStorage(values.db) });
  const { url } = await server.listen({ port, host: values.host });
  console.log(`yracer listening on ${url} (SQLite: ${values.db})`);
  server.closeOnSignals();
  return -1;
}
