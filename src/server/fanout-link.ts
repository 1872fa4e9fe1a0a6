/**
 * `FanoutLink`: connects one server process's rooms and live queries to the
 * other processes that share its storage, through a `Fanout` (Redis).
 *
 * Storage is the only log; the fan-out carries hints. After a room stores
 * an update it announces the versions and the update on the document's
 * channel; a process holding the same room applies it in version order and
 * reads storage when one is missing (`Room.receiveAnnounced`, `catchUp`).
 * After a room stores a JSON value it tells the collection's channel, so
 * other processes' live queries run again where the change may matter;
 * those messages are numbered per process, and a skipped number runs every
 * query of the collection again. Since the last message of a burst may be
 * the one lost, every `pollMs` the link compares the loaded rooms' versions
 * with storage (`heads`) and sends a heartbeat with its latest numbers; and
 * after the fan-out reconnects it catches every room and query up. JSON
 * values left behind by a process that died inside its JSON delay are
 * rebuilt (`repairMs`) once they stayed behind for a whole period.
 */
import type { Fanout } from '../fanout/fanout.ts';
import type { Storage } from '../storage/storage.ts';
import type { StorageKey } from '../storage/storage-key.ts';
import { decodeCollectionChange, encodeCollectionChange, type CollectionChange } from './collection-change.ts';
import { decodeAnnouncement, encodeAnnouncement } from './document-announcement.ts';
import { decodeCollectionWatch, encodeCollectionWatch } from './collection-watch.ts';
import type { LiveQueries } from './live-queries.ts';
import { decodePresenceRelay, encodePresenceQuery, encodePresenceRelay, PRESENCE_KIND, PRESENCE_QUERY_KIND } from './presence-relay.ts';
import { UNKNOWN } from './live-query.ts';
import { repairJson, type ChangeRecorder } from './repair-json.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { Announced } from './room-versions.ts';
import type { Room } from './room.ts';
import type { ServerLog } from './server-log.ts';

/** What the link needs from its server. */
export interface FanoutLinkSettings {
  readonly fanout: Fanout;
  readonly storage: Storage;
  readonly log: ServerLog;
  /** How often loaded rooms are compared with storage and heartbeats are sent, in ms. */
  readonly pollMs: number;
  /** How often JSON values left behind are looked for, in ms. */
  readonly repairMs: number;
  /** The change feed (when on): JSON values rebuilt here are recorded as changes. */
  readonly recorder?: ChangeRecorder | null;
}

/** How many rooms one `heads` call asks about. */
const HEADS_CHUNK = 500;
/** How many polls a collection's heartbeat is sent after its last change (one may be lost too). */
const HEARTBEATS = 2;

const docChannel = (name: string): string => `doc:${name}`;
/** Where processes say which collections they hold live queries of (heartbeats, each poll). */
const WATCH_CHANNEL = 'watching';
/** How many polls a collection counts as watched elsewhere after the last heartbeat saying so. */
const WATCH_POLLS = 3;
const collectionChannel = (collection: string): string => `col:${collection}`;

/** The link between one server's rooms and queries and the other processes. */
export class FanoutLink {
  readonly #settings: FanoutLinkSettings;
  #registry: RoomRegistry | null = null;
  #queries: LiveQueries | null = null;
  readonly #rooms = new Map<Room, () => void>();
  readonly #collections = new Map<string, () => void>();
  /** This process's message numbers per collection, and how many heartbeats each still gets. */
  readonly #sent = new Map<string, { counter: number; heartbeats: number }>();
  /** The last number seen per collection and process. */
  readonly #seen = new Map<string, Map<string, number>>();
  /** Stale documents found by the last repair pass, with their versions then. */
  #staleBefore = new Map<string, number>();
  readonly #timers: Array<ReturnType<typeof setInterval>> = [];
  readonly #stopStatus: () => void;
  readonly #stopWatching: () => void;
  /** Collections other processes hold live queries of, with when they last said so. */
  readonly #watchedElsewhere = new Map<string, number>();
  #down = false;
  #closed = false;

  constructor(settings: FanoutLinkSettings) {
    this.#settings = settings;
    this.#stopStatus = settings.fanout.onStatus((status) => this.#status(status));
    this.#stopWatching = settings.fanout.subscribe(WATCH_CHANNEL, (message) => {
      const watch = decodeCollectionWatch(message);
      if (watch) this.#watchedElsewhere.set(watch.collection, Date.now());
    });
  }

  /** True while another process holds live queries of the collection (it said so within the last few polls). */
  watchedElsewhere(collection: string): boolean {
    const at = this.#watchedElsewhere.get(collection);
    if (at === undefined) return false;
    if (Date.now() - at <= this.#settings.pollMs * WATCH_POLLS) return true;
    this.#watchedElsewhere.delete(collection);
    return false;
  }

  #announceWatching(collections: Iterable<string>): void {
    const { fanout } = this.#settings;
    for (const collection of collections) fanout.publish(WATCH_CHANNEL, encodeCollectionWatch({ process: fanout.process, collection }));
  }

  /** Connects the server's rooms and queries (created after the link) and starts polling. */
  bind(registry: RoomRegistry, queries: LiveQueries): void {
    this.#registry = registry;
    this.#queries = queries;
    const poll = setInterval(() => void this.#poll(), this.#settings.pollMs);
    const repair = setInterval(() => void this.#repair(), this.#settings.repairMs);
    poll.unref?.();
    repair.unref?.();
    this.#timers.push(poll, repair);
  }

  /** A room was created: listen on its document's channel. */
  roomOpened(room: Room): void {
    const { fanout } = this.#settings;
    this.#rooms.set(
      room,
      fanout.subscribe(docChannel(room.name), (message) => this.#announced(room, message)),
    );
    // What was stored between the room's load and its subscription becoming active is announced to nobody: read it.
    // Presence is not stored: ask the other processes for theirs.
    void (fanout.settled?.() ?? Promise.resolve()).then(() => {
      if (room.closed || !this.#rooms.has(room)) return;
      void room.catchUp();
      fanout.publish(docChannel(room.name), encodePresenceQuery(fanout.process));
    });
  }

  /** A room was removed: stop listening. */
  roomClosed(room: Room): void {
    this.#rooms.get(room)?.();
    this.#rooms.delete(room);
  }

  /** A room stored an update of its own: announce it. */
  stored(room: Room, announced: Announced): void {
    this.#settings.fanout.publish(docChannel(room.name), encodeAnnouncement(announced));
  }

  /** A room's presence changed because of this process's clients: relay it. */
  awareness(room: Room, update: Uint8Array): void {
    this.#settings.fanout.publish(docChannel(room.name), encodePresenceRelay({ process: this.#settings.fanout.process, update }));
  }

  /** A room stored its JSON value: tell the collection's other processes. */
  jsonSaved(room: Room, json: string | null): void {
    this.#publishChange(room.key.collection, room.key.id, json);
  }

  /** Live queries of a collection start (or stop) here: listen on (or leave) its channel. */
  watch(collection: string, watching: boolean): void {
    if (watching && !this.#collections.has(collection)) {
      const stop = this.#settings.fanout.subscribe(collectionChannel(collection), (message) => this.#changed(collection, message));
      this.#collections.set(collection, stop);
      this.#announceWatching([collection]);
    } else if (!watching) {
      this.#collections.get(collection)?.();
      this.#collections.delete(collection);
      this.#seen.delete(collection);
    }
  }

  #publishChange(collection: string, id: string, json: string | null | undefined): void {
    const sent = this.#sent.get(collection) ?? { counter: 0, heartbeats: 0 };
    sent.counter += 1;
    sent.heartbeats = HEARTBEATS;
    this.#sent.set(collection, sent);
    const change: CollectionChange = { process: this.#settings.fanout.process, counter: sent.counter, id, json };
    this.#settings.fanout.publish(collectionChannel(collection), encodeCollectionChange(change));
  }

  #announced(room: Room, message: Uint8Array): void {
    if (message[0] === PRESENCE_QUERY_KIND) {
      const state = room.localAwarenessState();
      if (state) this.awareness(room, state);
      return;
    }
    if (message[0] === PRESENCE_KIND) {
      const relay = decodePresenceRelay(message);
      if (relay && relay.process !== this.#settings.fanout.process) room.applyRemoteAwareness(relay.process, relay.update);
      return;
    }
    const announced = decodeAnnouncement(message);
    if (!announced) {
      this.#settings.log('warn', `fan-out: an unreadable message for ${room.name} was ignored`);
      return;
    }
    // Too large to carry: read it from storage.
    if (announced.update.byteLength === 0) {
      if (announced.last > room.version) void room.catchUp();
      return;
    }
    room.receiveAnnounced(announced);
  }

  #changed(collection: string, message: Uint8Array): void {
    const change = decodeCollectionChange(message);
    const queries = this.#queries;
    if (!change || !queries) return;
    let seen = this.#seen.get(collection);
    if (!seen) this.#seen.set(collection, (seen = new Map()));
    const last = seen.get(change.process);
    if (last === undefined || change.counter > last) seen.set(change.process, change.counter);
    // A skipped number: some change of the collection was missed (the first heard from a process counts from 0).
    if (change.counter > (last ?? 0) + 1) queries.rerun(collection);
    if (change.id === '') return;
    // Also for a room loaded here: its own re-run may have read the stored JSON before this process stored the change.
    let value: unknown = UNKNOWN;
    if (change.json === null) value = undefined;
    else if (change.json !== undefined) {
      try {
        value = JSON.parse(change.json);
      } catch {
        value = UNKNOWN;
      }
    }
    queries.remoteChanged(collection, change.id, value);
  }

  #status(status: 'up' | 'down'): void {
    if (status === 'down') {
      this.#down = true;
      return;
    }
    if (!this.#down) return;
    this.#down = false;
    // Messages may have been missed while disconnected: catch everything up.
    this.#seen.clear();
    for (const room of this.#registry?.all() ?? []) void room.catchUp();
    this.#queries?.rerun();
  }

  async #poll(): Promise<void> {
    if (this.#closed) return;
    this.#announceWatching(this.#collections.keys());
    for (const [collection, sent] of this.#sent) {
      if (sent.heartbeats <= 0) continue;
      sent.heartbeats -= 1;
      const change: CollectionChange = { process: this.#settings.fanout.process, counter: sent.counter, id: '', json: undefined };
      this.#settings.fanout.publish(collectionChannel(collection), encodeCollectionChange(change));
    }
    const rooms = [...(this.#registry?.all() ?? [])].filter((room) => !room.closed);
    try {
      for (let start = 0; start < rooms.length; start += HEADS_CHUNK) {
        const chunk = rooms.slice(start, start + HEADS_CHUNK);
        const heads = await this.#settings.storage.heads(chunk.map((room) => room.key));
        chunk.forEach((room, i) => {
          if ((heads[i] ?? 0) > room.version) void room.catchUp();
        });
      }
    } catch (error) {
      if (!this.#closed) this.#settings.log('warn', `fan-out: comparing versions with storage failed (${String(error)})`);
    }
  }

  async #repair(): Promise<void> {
    if (this.#closed) return;
    try {
      const behind = await this.#settings.storage.staleJson();
      // A room loaded here holds the value: it saves it from memory (if it applied what the JSON lacks).
      const loaded = behind.flatMap((key) => this.#registry?.get(`${key.collection}/${key.id}`) ?? []);
      for (const room of loaded) if (!room.closed) void room.saveJson();
      const stale = behind.filter((key) => !this.#registry?.get(`${key.collection}/${key.id}`));
      const heads = await this.#settings.storage.heads(stale);
      const now = new Map(stale.map((key, i) => [`${key.collection}/${key.id}`, heads[i] ?? 0]));
      // Behind for a whole period at the same version: nobody is about to store it.
      const abandoned: StorageKey[] = stale.filter((key) => {
        const name = `${key.collection}/${key.id}`;
        return this.#staleBefore.get(name) === now.get(name);
      });
      this.#staleBefore = now;
      if (abandoned.length === 0 || this.#closed) return;
      await repairJson(this.#settings.storage, this.#settings.log, abandoned, this.#settings.recorder);
      for (const key of abandoned) {
        this.#queries?.remoteChanged(key.collection, key.id, UNKNOWN);
        this.#publishChange(key.collection, key.id, undefined);
      }
    } catch (error) {
      if (!this.#closed) this.#settings.log('warn', `fan-out: looking for JSON values left behind failed (${String(error)})`);
    }
  }

  /** Stops polling and repairing (the server is closing: what rooms store from now on is still announced). */
  stop(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
  }

  /** Stops listening and polling (the server is closing; the fan-out is closed by its owner). */
  close(): void {
    this.stop();
    this.#stopStatus();
    this.#stopWatching();
    for (const stop of this.#rooms.values()) stop();
    for (const stop of this.#collections.values()) stop();
    this.#rooms.clear();
    this.#collections.clear();
  }
}
