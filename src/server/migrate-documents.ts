/**
 * `migrateDocuments(server)`: the eager form of schema migrations. Rooms
 * migrate a document when they load it (document-migration.ts); this walks
 * every stored document of the collections with a versioned schema, a page
 * at a time (`Storage.documentsAfter`), and loads each once through a
 * trusted in-process model, so every one of them is migrated (and the JSON
 * values queries read follow) without waiting for clients to open them.
 */
import { schemaVersioning } from '../schema/versioned-schema.ts';
import type { StorageKey } from '../storage/storage-key.ts';
import type { SyncServer } from './sync-server.ts';

/** Options of `migrateDocuments`. */
export interface MigrateDocumentsOptions {
  /** How many documents are read from storage, and loaded, at once. Default 100. */
  readonly pageSize?: number;
}

/**
 * Loads every stored document of a versioned collection of the server's
 * schema once (migrating it when it is behind) and resolves to how many it
 * loaded. Rejects when the storage cannot list its documents. A document
 * whose migration fails is left read-only and logged, as on any load.
 *
 * @example
 * const server = createServer({ storage, schema });
 * await migrateDocuments(server);
 */
export async function migrateDocuments(server: SyncServer, options: MigrateDocumentsOptions = {}): Promise<number> {
  const { storage, schema } = server.options;
  const pageSize = options.pageSize ?? 100;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`yracer migrateDocuments: pageSize must be a positive integer, not ${String(pageSize)}`);
  if (!storage.documentsAfter) throw new TypeError('yracer migrateDocuments: this storage cannot list its documents (it has no documentsAfter)');
  const versioned = new Set(Object.entries(schema ?? {}).filter(([, s]) => (schemaVersioning(s)?.version ?? 1) > 1).map(([collection]) => collection));
  if (versioned.size === 0) return 0;
  const model = server.createModel({ fetchOnly: true, unloadDelayMs: 0 });
  let loaded = 0;
  try {
    let after: StorageKey | null = null;
    for (;;) {
      const page = await storage.documentsAfter(after, pageSize);
      const paths = page.filter((listed) => versioned.has(listed.collection) && listed.version > 0).map((listed) => `${listed.collection}.${listed.id}`);
      if (paths.length > 0) {
        await model.fetch(...paths);
        await model.unfetch(...paths);
        loaded += paths.length;
      }
      const last = page[page.length - 1];
      if (page.length < pageSize || !last) return loaded;
      after = { collection: last.collection, id: last.id };
    }
  } finally {
    model.close();
  }
}
