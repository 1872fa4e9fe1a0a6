/**
 * `yracer export` and `yracer import` (the CLI's side of
 * `exportDocuments` / `importDocuments`):
 *
 *   yracer export [--db ./data/yracer.db | --postgres URL [--postgres-schema public]] > backup.ndjson
 *   yracer import [--db ./data/yracer.db | --postgres URL [--postgres-schema public]] < backup.ndjson
 *
 * Export writes one line per document to standard output, waiting for the
 * output to drain (constant memory whatever the store's size); import reads
 * standard input a line at a time. Messages (how many documents, or the bad
 * line) go to standard error, so they never mix with an export.
 */
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { sqliteStorage } from '../storage/sqlite-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { exportDocuments } from './export-documents.ts';
import { ImportLineError, importDocuments } from './import-documents.ts';

/** Where `export` and `import` find the store (the CLI's `--db`, `--postgres`, `--postgres-schema`). */
export interface TransferStore {
  readonly db: string;
  readonly postgres?: string | undefined;
  readonly postgresSchema: string;
}

/** The streams `runTransfer` uses (the process's own by default; tests give others). */
export interface TransferStreams {
  readonly input: Readable;
  readonly output: Writable;
  readonly errors: Writable;
}

/** True when the store names a SQLite file that is not there (a command that reads it stops instead of creating it). */
export function noDatabase(store: TransferStore): boolean {
  return store.postgres === undefined && store.db !== ':memory:' && !existsSync(store.db);
}

/** Opens the store a command names (the Postgres driver only when asked for). */
export async function openStore(store: TransferStore): Promise<Storage> {
  if (store.postgres !== undefined) return (await import('../storage/postgres-storage.ts')).postgresStorage(store.postgres, { schema: store.postgresSchema });
  return sqliteStorage(store.db, { durability: 'disk' });
}

/** Writes a chunk, waiting for the stream to drain when its buffer is full. */
async function write(output: Writable, chunk: string): Promise<void> {
  if (!output.write(chunk)) await Promise.race([once(output, 'drain'), once(output, 'error').then(([error]) => Promise.reject(error as Error))]);
}

/**
 * Runs `export` or `import` on the store; resolves to the exit code (0 done,
 * 1 failed, with the reason on `errors`).
 */
export async function runTransfer(
  command: 'export' | 'import',
  store: TransferStore,
  streams: TransferStreams = { input: process.stdin, output: process.stdout, errors: process.stderr },
): Promise<number> {
  if (command === 'export' && noDatabase(store)) {
    streams.errors.write(`yracer export: no database at ${store.db}\n`);
    return 1;
  }
  const storage = await openStore(store);
  try {
    if (command === 'export') {
      let count = 0;
      for await (const line of exportDocuments(storage)) {
        await write(streams.output, `${line}\n`);
        count += 1;
      }
      streams.errors.write(`yracer export: ${count} documents\n`);
      return 0;
    }
    const lines = createInterface({ input: streams.input, crlfDelay: Infinity });
    try {
      const { created, merged, unchanged } = await importDocuments(storage, lines);
      streams.errors.write(`yracer import: ${created} created, ${merged} merged into existing documents, ${unchanged} unchanged\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof ImportLineError)) throw error;
      streams.errors.write(`yracer import: ${error.message}; the lines before it are imported, nothing from it on\n`);
      return 1;
    } finally {
      lines.close();
    }
  } catch (error) {
    streams.errors.write(`yracer ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await storage.close();
  }
}
