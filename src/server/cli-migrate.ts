/**
 * `yracer migrate --config <file>` (the CLI's side of `migrateDocuments`):
 *
 *   yracer migrate --config ./yracer.config.mjs [--db ./data/yracer.db | --postgres URL [--postgres-schema public]]
 *
 * Opens the store, creates a server (not listening) with the config's
 * options, loads every document of the collections whose schema has a
 * version above 1, so each is migrated now rather than when a client
 * opens it, and closes. Messages go to standard error.
 */
import type { Writable } from 'node:stream';
import type { ServerConfig } from './cli-config.ts';
import { noDatabase, openStore, type TransferStore } from './cli-transfer.ts';
import { createServer } from './create-server.ts';
import { migrateDocuments } from './migrate-documents.ts';

/** Runs `migrate` on the store with the config's schema; resolves to the exit code (0 done, 1 failed, with the reason on `errors`). */
export async function runMigrate(config: ServerConfig, store: TransferStore, errors: Writable = process.stderr): Promise<number> {
  if (noDatabase(store)) {
    errors.write(`yracer migrate: no database at ${store.db}\n`);
    return 1;
  }
  if (!config.schema) {
    errors.write('yracer migrate: the config has no schema (versionedSchema(...) for the collections to migrate)\n');
    return 1;
  }
  let failed = 0;
  const storage = await openStore(store);
  const server = createServer({
    ...config,
    storage,
    log: (level, message) => {
      if (level === 'error') failed += 1;
      if (level !== 'info') errors.write(`yracer migrate: ${level}: ${message}\n`);
    },
  });
  try {
    const loaded = await migrateDocuments(server);
    errors.write(`yracer migrate: ${loaded} documents of versioned collections loaded${failed > 0 ? `, ${failed} errors (above)` : ', each at its schema version now'}\n`);
    return failed > 0 ? 1 : 0;
  } catch (error) {
    errors.write(`yracer migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await server.close(); // closes the storage too
  }
}
