/**
 * `ServerChanges`: a server's change hooks and change feed together
 * (`server.on('change')`, `server.changes()`): it creates the feed when the
 * `changeFeed` option asks for one, checks the arguments of the public
 * calls, and flushes and closes both when the server closes.
 */
import { parseDocName } from '../protocol/doc-name.ts';
import { ChangeFeed, resolveChangeFeedOptions } from './change-feed.ts';
import { ChangeHooks, type ChangeListener } from './change-hooks.ts';
import type { ChangeStream } from './change-stream.ts';
import type { ChangeRecorder } from './repair-json.ts';
import type { ResolvedServerOptions } from './server-options.ts';

/** Options of `server.changes()`. */
export interface ChangesOptions {
  /**
   * Yield the changes after this position (a `seq` of an earlier item; 0,
   * the default, for every change kept).
   */
  readonly since?: number;
}

/** The change hooks and change feed of one server. */
export class ServerChanges {
  readonly hooks: ChangeHooks;
  readonly #feed: ChangeFeed | null;
  #closed = false;

  constructor(options: ResolvedServerOptions) {
    this.hooks = new ChangeHooks(options.log);
    const feed = resolveChangeFeedOptions(options.changeFeed, options.fanout !== undefined);
    if (!feed) {
      this.#feed = null;
      return;
    }
    const log = options.storage.changes;
    if (!log) throw new TypeError('yracer createServer(): changeFeed needs a storage with a change log (memoryStorage, sqliteStorage or postgresStorage)');
    this.#feed = new ChangeFeed(log, feed, options.log, options.fanout);
    const changeFeed = this.#feed;
    this.hooks.sink((events) => changeFeed.record(events));
  }

  /** Adds or removes a `change` listener (checks the event name). */
  listen(event: string, listener: ChangeListener, add: boolean): void {
    if (event !== 'change') throw new TypeError(`yracer server.${add ? 'on' : 'off'}(): unknown event "${String(event).slice(0, 100)}" (the server emits 'change')`);
    if (add) this.hooks.on(listener);
    else this.hooks.off(listener);
  }

  /** See `SyncServer.changes`. */
  changes(collection: string, options: ChangesOptions = {}): ChangeStream {
    if (!this.#feed) throw new Error('yracer server.changes(): the change feed is off (createServer({ changeFeed: true }))');
    if (this.#closed) throw new Error('yracer server.changes(): the server is closed');
    if (typeof collection !== 'string' || !parseDocName(`${collection}/x`)) {
      throw new TypeError(`yracer server.changes(): "${String(collection).slice(0, 100)}" is not a valid collection name`);
    }
    const since = options.since ?? 0;
    if (!Number.isSafeInteger(since) || since < 0) throw new TypeError(`yracer server.changes(): since must be a non-negative integer (a seq), not ${String(since)}`);
    return this.#feed.open(collection, since);
  }

  /**
   * What the change feed needs of the rooms and of JSON repair, or null
   * when it is off: a JSON value is stored only after the changes it
   * reflects are recorded (so a crash that left a change out of the feed
   * left the document's JSON behind too), and a rebuilt JSON value is
   * recorded as a change.
   */
  get recorder(): ChangeRecorder | null {
    const feed = this.#feed;
    if (!feed) return null;
    return {
      beforeJsonSave: async () => {
        await this.hooks.emitted();
        await feed.settled();
      },
      repaired: (changes) => feed.recordStored(changes),
    };
  }

  /** Emits the events batched so far, records them and ends every stream (after the rooms closed, before storage closes). */
  async close(): Promise<void> {
    this.#closed = true;
    this.hooks.flush();
    await this.#feed?.close();
  }
}
