/**
 * `serverRooms(options, ready)`: a server's rooms, live queries and (with a
 * fan-out) the link to the other processes sharing its storage, wired to
 * each other. Rooms report changes to the live queries; with a fan-out,
 * rooms are shared (checked writes stored at their version), announce what
 * they store, relay presence, and the link listens on the channels of the
 * rooms loaded and of the collections with live queries.
 */
import type { DocumentHistory } from './document-history.ts';
import { hasVersionedSchema, migrateRoom } from './document-migration.ts';
import { FanoutLink } from './fanout-link.ts';
import { LiveQueries } from './live-queries.ts';
import type { ChangeRecorder } from './repair-json.ts';
import { RoomRegistry } from './room-registry.ts';
import type { RoomSettings } from './room-settings.ts';
import type { Room } from './room.ts';
import type { Announced } from './room-versions.ts';
import type { ResolvedServerOptions } from './server-options.ts';
import type { Session } from './session.ts';
import type { WriteWatch } from './stored-write.ts';

/** What `serverRooms` creates. */
export interface ServerRooms {
  readonly registry: RoomRegistry;
  readonly queries: LiveQueries;
  /** The link to other processes; null without a fan-out. */
  readonly link: FanoutLink | null;
}

/**
 * Creates and wires a server's rooms and live queries; `ready` settles once
 * stored JSON values are current. With `history`, rooms report what they
 * store and who wrote it to it; `writes` hears of the writes rooms store
 * (the change hooks).
 */
export function serverRooms(options: ResolvedServerOptions, ready: Promise<unknown>, history: DocumentHistory | null = null, writes?: WriteWatch, recorder?: ChangeRecorder | null): ServerRooms {
  const { storage, log, fanout, compactAfterUpdates, compactAfterMs, jsonDelayMs, maxPresenceBytesPerRoom, unloadDelayMs } = options;
  const link = fanout ? new FanoutLink({ fanout, storage, log, pollMs: options.fanoutPollMs, repairMs: options.jsonRepairMs, recorder: recorder ?? null }) : null;
  const queries = new LiveQueries({
    storage,
    log,
    delayMs: options.queryDelayMs,
    ready,
    ...(link ? { watch: (collection: string, watching: boolean) => link.watch(collection, watching) } : {}),
  });
  const onChange = (room: Room, origin: unknown): void => queries.docChanged(room, origin);
  const { schema } = options;
  const afterLoad = hasVersionedSchema(schema) ? (room: Room) => migrateRoom(room, schema, log) : undefined;
  const settings: RoomSettings<Room> = {
    storage,
    log,
    compactAfterUpdates,
    compactAfterMs,
    jsonDelayMs,
    maxPresenceBytesPerRoom,
    onChange,
    ...(history ? { onStored: (room: Room, announced: Announced) => history.stored(room, announced), onWrite: (room: Room, session: Session) => history.wrote(room, session) } : {}),
    ...(writes ? { writes } : {}),
    ...(afterLoad ? { afterLoad } : {}),
    ...(recorder ? { beforeJsonSave: recorder.beforeJsonSave } : {}),
  };
  const registry = link
    ? new RoomRegistry(
        {
          ...settings,
          shared: true,
          storageRetryMs: options.storageRetryMs,
          onStored: (room, announced) => {
            link.stored(room, announced);
            history?.stored(room, announced);
          },
          onJsonSaved: (room, json) => link.jsonSaved(room, json),
          onAwareness: (room, update) => link.awareness(room, update),
          // Another process's live queries of the collection wait for the JSON: store it within a query batch.
          jsonDelayFor: (collection) => (link.watchedElsewhere(collection) ? Math.min(jsonDelayMs, options.queryDelayMs) : jsonDelayMs),
        },
        unloadDelayMs,
        { opened: (room) => link.roomOpened(room), closed: (room) => link.roomClosed(room) },
      )
    : new RoomRegistry(settings, unloadDelayMs);
  queries.bind(registry);
  history?.bind(registry);
  link?.bind(registry, queries);
  return { registry, queries, link };
}
