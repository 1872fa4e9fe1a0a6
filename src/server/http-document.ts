/**
 * Reads and writes of one document for the HTTP API (`server.httpHandler()`).
 * A read passes the session's read rule on the room's current value. A write
 * is turned into a Yjs update (the smallest change `setDiffDeep` finds, on a
 * copy of the room's document), then goes through the room like a client's
 * update: checked by the write rules and the schema (`receiveChecked`),
 * applied, sent at once to the document's subscribers, and stored; it
 * resolves only once storage has it.
 */
import { uint32 } from 'lib0/random';
import * as Y from 'yjs';
import { DATA_ROOT } from '../model/documents/doc-entry.ts';
import { findJsonProblem, jsonEqual } from '../model/paths/json-value.ts';
import { patchDocument } from '../model/mutations/set-diff-deep.ts';
import { toYjs } from '../model/mutations/to-yjs.ts';
import { docName, type DocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { Storage } from '../storage/storage.ts';
import type { AccessRules } from './access-rules.ts';
import { receiveChecked } from './checked-write.ts';
import { HttpError, HttpErrorCode, httpErrorOf } from './http-errors.ts';
import { checkPreconditions, etagOf, type Preconditions } from './http-preconditions.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Room } from './room.ts';
import type { RoomPeer } from './room-peer.ts';
import type { Session } from './session.ts';
import { whenReadable } from './when-readable.ts';

/** What the HTTP API needs from its server. */
export interface HttpContext {
  readonly registry: RoomRegistry;
  readonly access: AccessRules;
  readonly storage: Storage;
  /** Settles once stored JSON values are current (queries wait for it). */
  readonly ready: Promise<unknown>;
}

/** A document as `GET` answers it. */
export interface HttpDocument {
  /** The document's JSON value. */
  readonly value: Readonly<Record<string, unknown>>;
  /** Its version: the number of updates stored for it (the value may hold one being stored). */
  readonly version: number;
}

/** What a write answers. */
export interface HttpWritten {
  /** The document's version once the write is stored (it includes the write). */
  readonly version: number;
  /** True when the document did not exist before. */
  readonly created: boolean;
  /** The ETag of the value written (null once deleted). */
  readonly etag: string | null;
}

/** The new value of a document from its current one (undefined: it does not exist); undefined deletes it. */
export type HttpChange = (before: Readonly<Record<string, unknown>> | undefined) => Readonly<Record<string, unknown>> | undefined;

/** The origin of HTTP writes in the rooms: it is never subscribed, so every subscriber gets them. */
const HTTP_PEER: RoomPeer = {
  sendPayload: () => undefined,
  roomLost: () => undefined,
};

const isPlain = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

async function openRoom(context: HttpContext, key: DocName): Promise<Room> {
  try {
    return await context.registry.open(docName(key.collection, key.id), key);
  } catch (error) {
    throw new HttpError(503, ErrorCode.StorageFailed, `loading ${docName(key.collection, key.id)} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** 404 for a missing document, or 403 when the session may not even know whether it exists. */
async function missing(context: HttpContext, session: Session, key: DocName): Promise<HttpError> {
  const denied = context.access.checksReads ? await context.access.canRead(session, key.collection, key.id, undefined) : null;
  return denied === null
    ? new HttpError(404, HttpErrorCode.NotFound, `${docName(key.collection, key.id)} does not exist (PUT creates it)`)
    : new HttpError(403, ErrorCode.Forbidden, denied);
}

/**
 * The document's value and version, when the session may read it. Rejects
 * with an `HttpError`: 403 `forbidden` (the read rule), 404 `not-found`.
 */
export async function readDocument(context: HttpContext, session: Session, key: DocName): Promise<HttpDocument> {
  const { access, registry } = context;
  const room = await openRoom(context, key);
  let read: { value: unknown; version: number } = { value: undefined, version: 0 };
  const denied = await whenReadable(access, registry, session, room, () => {
    read = { value: room.value(), version: room.version };
  });
  if (!access.checksReads) registry.touch(room);
  if (denied !== null) throw new HttpError(403, ErrorCode.Forbidden, denied);
  if (!isPlain(read.value)) throw new HttpError(404, HttpErrorCode.NotFound, `${room.name} does not exist`);
  return { value: read.value, version: read.version };
}

/**
 * The Yjs client id of this process's HTTP writes to a room, one per loaded
 * room: the state vector grows by one entry per room load, not per write.
 * Safe to reuse because an update is built from the room's current state
 * with no other checked write in between (so its clock follows the last
 * accepted one; a refused one is never stored or relayed).
 */
const writerIds = new WeakMap<Room, number>();

function writerIdOf(room: Room): number {
  let id = writerIds.get(room);
  if (id === undefined) {
    id = uint32();
    writerIds.set(room, id);
  }
  return id;
}

/** The Yjs update that takes the room's document from `before` to `after` (a copy of the document makes it). */
function updateFor(room: Room, before: Readonly<Record<string, unknown>> | undefined, after: Readonly<Record<string, unknown>> | undefined): Uint8Array {
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, room.diff());
    // Set after the state is applied: Yjs picks a new id when a remote update holds the doc's own.
    copy.clientID = writerIdOf(room);
    const vector = Y.encodeStateVector(copy);
    copy.transact(() => {
      const root = copy.getMap<unknown>(DATA_ROOT);
      if (before !== undefined && after !== undefined) {
        patchDocument(root, before, after);
        return;
      }
      for (const [key, item] of root._map) if (!item.deleted) root.delete(key);
      if (after !== undefined) for (const [key, value] of Object.entries(after)) root.set(key, toYjs(value));
    });
    return Y.encodeStateAsUpdate(copy, vector);
  } finally {
    copy.destroy();
  }
}

/** Why a write stops before any update is made (found where the write is checked). */
class Stop extends Error {
  readonly kind: 'missing' | 'unchanged';

  constructor(kind: 'missing' | 'unchanged') {
    super(kind);
    this.kind = kind;
  }
}

/**
 * Changes a document for the session: `change` gets its current value and
 * returns the new one (undefined deletes it). It runs, and the preconditions
 * are checked, where the write is checked, with no other checked write in
 * between (`receiveChecked`), so a merge patch applies to the value it is
 * stored over. Resolves once the write is stored. Rejects with an
 * `HttpError`: 400 `bad-request` (a value that is not a JSON object a
 * document may hold, or one without fields), 403 `forbidden` (a write
 * rule), 422 `invalid-document` (the schema), 404 `not-found` (deleting a
 * missing document), 412 `precondition-failed`, 409 `conflict` or 503
 * `storage-failed` (nothing stored then), or what `change` throws.
 */
export async function writeDocument(context: HttpContext, session: Session, key: DocName, change: HttpChange, preconditions: Preconditions = {}): Promise<HttpWritten> {
  const { access, registry } = context;
  const room = await openRoom(context, key);
  return registry.pinned(room, async () => {
    let written: { readonly before: unknown; readonly after: unknown } = { before: undefined, after: undefined };
    const update = (): Uint8Array => {
      const current = room.value();
      const before = isPlain(current) ? current : undefined;
      checkPreconditions(preconditions, before, room.name);
      const after = change(before);
      if (after === undefined && before === undefined) throw new Stop('missing');
      if (after !== undefined) {
        const problem = findJsonProblem(after, 0);
        if (problem) throw new HttpError(400, HttpErrorCode.BadRequest, `${problem.at === '' ? 'the document' : problem.at}: ${problem.reason}`);
        if (!hasFields(after)) throw new HttpError(400, HttpErrorCode.BadRequest, `a document needs at least one field (DELETE removes ${room.name})`);
      }
      written = { before, after };
      // Nothing changes: nothing to check or store (a client's such write passes without the rules too).
      if (jsonEqual(before, after)) throw new Stop('unchanged');
      return updateFor(room, before, after);
    };
    try {
      const checked = await receiveChecked(room, update, HTTP_PEER, session, access);
      await checked.stored;
    } catch (error) {
      if (error instanceof Stop && error.kind === 'missing') throw await missing(context, session, key);
      if (!(error instanceof Stop)) throw httpErrorOf(error);
    }
    const { before, after } = written;
    return { version: room.version, created: before === undefined && after !== undefined, etag: after === undefined ? null : etagOf(after) };
  });
}

function hasFields(value: Readonly<Record<string, unknown>>): boolean {
  for (const key in value) if (value[key] !== undefined) return true;
  return false;
}
