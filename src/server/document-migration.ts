/**
 * Schema migrations, run lazily: when a room loads a document of a
 * collection whose schema has a version (`versionedSchema`), and the
 * document records an older one (schema-version.ts; none counts as 1), the
 * server runs the collection's `migrate` functions over its value, one
 * version after the other, and writes the result as one ordinary Yjs update
 * through the room (the smallest change it finds: unchanged fields keep
 * their Yjs identity), together with the new version. Clients get it as any
 * other update, storage keeps it, queries see the migrated value.
 *
 * - Once: the update is stored only at the version the document was loaded
 *   at (`expectVersion`). When another process (or room) stored first, the
 *   room reads what it stored and looks again: a document migrated
 *   meanwhile is left as it is.
 * - A `migrate` function that throws (or returns a value the schema
 *   refuses) leaves the document as it is, readable but read-only: clients'
 *   writes are refused with `invalid-document` and the reason, which is
 *   also logged. Trusted in-process writes still go through (to repair it).
 * - Documents created under a versioned schema get its version recorded
 *   right after they are created (by this process's writes), so they are
 *   never migrated as if they were old.
 */
import * as Y from 'yjs';
import { hasLiveKey } from '../model/documents/doc-entry.ts';
import { jsonEqual } from '../model/paths/json-value.ts';
import { toYjs } from '../model/mutations/to-yjs.ts';
import { isCounter } from '../model/paths/y-node.ts';
import type { SchemaMap } from '../schema/standard-schema.ts';
import { schemaProblem } from '../schema/validate-document.ts';
import { schemaVersioning, type MigrationValue } from '../schema/versioned-schema.ts';
import { VersionConflictError } from '../storage/storage.ts';
import { LOAD_ORIGIN, REMOTE_ORIGIN, type Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import { recordSchemaVersion, recordedSchemaVersion } from './schema-version.ts';
import type { ServerLog } from './server-log.ts';

/** The origin of the server's own migration writes (no connection: every peer gets them). */
const MIGRATION_PEER: RoomPeer = { sendPayload: () => undefined, roomLost: () => undefined };

/** A migration that cannot be done (a `migrate` function threw, or its result fails the schema). */
class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
}

/** How many times a migration is tried when other writers keep storing first. */
const MAX_ATTEMPTS = 8;

const isPlain = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Makes `map` (a `Y.Map` holding `current`) hold `next`, key by key, going into nested maps. */
function patchMap(map: Y.Map<unknown>, current: Record<string, unknown>, next: Record<string, unknown>): void {
  for (const key of [...map.keys()]) if (!Object.hasOwn(next, key)) map.delete(key);
  for (const [key, value] of Object.entries(next)) {
    const before = current[key];
    if (Object.hasOwn(current, key) && jsonEqual(before, value)) continue;
    const raw = map.get(key);
    if (raw instanceof Y.Map && !isCounter(raw) && isPlain(before) && isPlain(value)) patchMap(raw, before, value);
    else map.set(key, toYjs(value));
  }
}

/** Applies `change` to a copy of the room's document and returns the update it made (empty changes give null). */
function updateOf(room: Room, change: (doc: Y.Doc) => void): Uint8Array | null {
  const copy = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(room.doc));
    let made: Uint8Array | null = null;
    copy.on('update', (update: Uint8Array) => {
      made = update;
    });
    copy.transact(() => change(copy));
    return made;
  } finally {
    copy.destroy();
  }
}

/** A change of a copy of the document, made in one transaction. */
type Edit = (doc: Y.Doc) => void;

/**
 * Stores and applies a server write (as an ordinary update, at the version
 * the room holds, after the room's checked writes), reading what others
 * stored and asking `change` again on a conflict. `change` returns null
 * when nothing is to be written any more. Resolves to true once written.
 */
async function serverWrite(room: Room, change: () => Promise<Edit | null> | Edit | null): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const written = await room.exclusive(async () => {
      // Updates applied before this one are stored first, so the room's version is the one to store after.
      await room.storageIdle;
      // Taken before `change` looks at the document: anything stored while it runs (it may wait) is a conflict.
      const version = room.version;
      const edit = await change();
      const update = edit && updateOf(room, edit);
      if (!update || room.closed) return true;
      try {
        await room.receiveAt(update, MIGRATION_PEER, version);
        return true;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        return false;
      }
    });
    if (written) return true;
    await room.catchUp();
  }
}

/** Runs `migrate[from + 1 .. to]` over a value; throws with a message naming the step that failed. */
function migrated(value: MigrationValue, from: number, to: number, migrate: Readonly<Record<number, (value: MigrationValue) => MigrationValue>>): MigrationValue {
  let current: MigrationValue = structuredClone(value);
  for (let n = from + 1; n <= to; n++) {
    const step = migrate[n];
    if (typeof step !== 'function') throw new MigrationFailedError(`there is no migrate[${n}]`);
    let next: unknown;
    try {
      next = step(current);
    } catch (error) {
      throw new MigrationFailedError(`migrate[${n}] threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (!isPlain(next)) throw new MigrationFailedError(`migrate[${n}] returned ${next === null ? 'null' : Array.isArray(next) ? 'an array' : typeof next}, not an object`);
    current = next;
  }
  return current;
}

/** Records the schema version in documents this process creates (see the file's description). */
function recordCreations(room: Room, version: number): void {
  let exists = room.value() !== undefined;
  room.doc.on('afterTransaction', (transaction: Y.Transaction) => {
    const now = hasLiveKey(room.doc.getMap('data'));
    const created = !exists && now;
    exists = now;
    const origin: unknown = transaction.origin;
    if (!created || origin === MIGRATION_PEER || origin === LOAD_ORIGIN || origin === REMOTE_ORIGIN || room.readOnlyReason !== null) return;
    if (recordedSchemaVersion(room.doc) === version) return;
    void serverWrite(room, () => (recordedSchemaVersion(room.doc) === version ? null : (doc) => recordSchemaVersion(doc, version))).catch(() => undefined);
  });
}

/** True when a collection of the schema map has a version above 1 (then rooms migrate on load). */
export function hasVersionedSchema(schemas: SchemaMap | undefined): boolean {
  return Object.values(schemas ?? {}).some((schema) => (schemaVersioning(schema)?.version ?? 1) > 1);
}

/**
 * Migrates a freshly loaded room's document when its collection's schema
 * has a newer version than the document records (see the file's
 * description). Never rejects: a failed migration makes the room read-only
 * and is logged; a storage failure is logged and the document stays as it
 * is (its next load tries again).
 */
export async function migrateRoom(room: Room, schemas: SchemaMap | undefined, log: ServerLog): Promise<void> {
  const versioning = schemaVersioning(schemas?.[room.key.collection]);
  if (!versioning || versioning.version <= 1) return;
  const target = versioning.version;
  let from = 1;
  try {
    await serverWrite(room, async () => {
      const value = room.value();
      from = recordedSchemaVersion(room.doc);
      if (value === undefined || from >= target) return null;
      const next = migrated(value as MigrationValue, from, target, versioning.migrate);
      const problem = await schemaProblem(schemas, room.key.collection, room.key.id, next);
      if (problem) throw new MigrationFailedError(`the migrated value fails the schema (${problem})`);
      return (doc: Y.Doc) => {
        patchMap(doc.getMap('data'), value as Record<string, unknown>, next);
        recordSchemaVersion(doc, target);
      };
    });
    if (from < target && room.value() !== undefined && recordedSchemaVersion(room.doc) === target) log('info', `room ${room.name}: migrated from schema version ${from} to ${target}`);
  } catch (error) {
    if (error instanceof MigrationFailedError) {
      room.readOnlyReason = `${room.key.collection}/${room.key.id} is read-only: migrating it from schema version ${from} to ${target} failed (${error.message})`;
      log('error', room.readOnlyReason);
    } else {
      log('error', `room ${room.name}: storing its migration failed (${String(error)}); it stays at schema version ${from} until it loads again`);
    }
  }
  recordCreations(room, target);
}
