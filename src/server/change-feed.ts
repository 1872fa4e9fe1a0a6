/**
 * `ChangeFeed`: the server side of `server.changes()` (`changeFeed`
 * option). It records every batch of change events (change-hooks.ts) in the
 * storage's change log, one row per event with the document's JSON value
 * after it, in order, one batch at a time; wakes the streams of a
 * collection once its changes are recorded; with other processes writing,
 * wakes them when another process tells it recorded changes of the
 * collection (with a fan-out: change-notices.ts) and, as a backstop for
 * lost notices (or without a fan-out), every `pollMs`; and prunes the log
 * every `pruneEveryMs` (`keepMs`, `keepRows`). See docs/changes.md.
 */
import type { Fanout } from '../fanout/fanout.ts';
import type { ChangeLog, ChangeRecord, StoredChange } from '../storage/change-log.ts';
import type { ChangeEvent } from './change-hooks.ts';
import { ChangeNotices } from './change-notices.ts';
import { ChangeStream } from './change-stream.ts';
import type { ServerLog } from './server-log.ts';

/** Options of the change feed (`createServer({ changeFeed })`). */
export interface ChangeFeedOptions {
  /** How long changes are kept, in ms (default 7 days). */
  readonly keepMs?: number;
  /** The most changes kept per collection (default: no limit but `keepMs`). */
  readonly keepRows?: number;
  /** How often old changes are dropped, in ms (default 60,000; also once at start). */
  readonly pruneEveryMs?: number;
  /**
   * How often waiting consumers read the log for changes other processes
   * recorded, in ms, in case a fan-out notice of them was lost (default
   * 1,000 with a `fanout`; without one, 0: the server is the only writer
   * and wakes consumers itself; set it when other servers write to the
   * storage without a fan-out).
   */
  readonly pollMs?: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** Checks and fills in the options (`shared`: other processes write to the storage). */
export function resolveChangeFeedOptions(option: boolean | ChangeFeedOptions, shared: boolean): Required<ChangeFeedOptions> | null {
  if (option === false) return null;
  const options = option === true ? {} : option;
  if (typeof options !== 'object' || options === null) throw new TypeError('yracer createServer(): changeFeed must be true or { keepMs, keepRows, pruneEveryMs, pollMs }');
  const whole = (name: keyof ChangeFeedOptions, value: number | undefined, fallback: number, least: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < least) throw new TypeError(`yracer createServer(): changeFeed.${name} must be an integer of at least ${least}, not ${String(value)}`);
    return value;
  };
  return {
    keepMs: whole('keepMs', options.keepMs, 7 * DAY, 1),
    keepRows: whole('keepRows', options.keepRows, 0, 1),
    pruneEveryMs: whole('pruneEveryMs', options.pruneEveryMs, 60_000, 1),
    pollMs: whole('pollMs', options.pollMs, shared ? 1000 : 0, 0),
  };
}

/** Records changes and serves the streams of one server. */
export class ChangeFeed {
  readonly #log: ChangeLog;
  readonly #options: Required<ChangeFeedOptions>;
  readonly #serverLog: ServerLog;
  readonly #streams = new Map<string, Set<ChangeStream>>();
  #queue: ChangeRecord[] = [];
  #recording: Promise<void> | null = null;
  readonly #pruneTimer: ReturnType<typeof setInterval>;
  #pruning: Promise<unknown> = Promise.resolve();
  #pollTimer: ReturnType<typeof setInterval> | null = null;
  readonly #notices: ChangeNotices | null;
  #closed = false;

  /** `fanout` (when storage is shared) carries change notices to and from the other processes. */
  constructor(log: ChangeLog, options: Required<ChangeFeedOptions>, serverLog: ServerLog, fanout?: Fanout) {
    this.#log = log;
    this.#options = options;
    this.#serverLog = serverLog;
    this.#notices = fanout ? new ChangeNotices(fanout, (collection) => this.#wake(collection)) : null;
    this.#pruneTimer = setInterval(() => void this.prune(), options.pruneEveryMs);
    this.#pruneTimer.unref?.();
    void this.prune();
  }

  /** Queues a batch of change events for recording (in order, after the batches before). */
  record(events: readonly ChangeEvent[]): void {
    if (this.#closed) return;
    const records: ChangeRecord[] = [];
    for (const event of events) {
      let json: string | null;
      try {
        json = event.after === undefined ? null : JSON.stringify(event.after);
      } catch (error) {
        this.#serverLog('error', `the change of ${event.collection}/${event.id} cannot be recorded (${String(error)})`);
        continue;
      }
      records.push({ collection: event.collection, id: event.id, version: event.version, json });
    }
    this.#enqueue(records);
  }

  /**
   * Queues changes read back from storage (a stored JSON value rebuilt
   * after a crash, repair-json.ts) and resolves once they and everything
   * queued before them are recorded. The log skips a change its document
   * already has at the same or a later version.
   */
  recordStored(changes: readonly ChangeRecord[]): Promise<void> {
    this.#enqueue(changes);
    return this.settled();
  }

  /** Queues changes after those queued before, and starts recording them unless a drain is running (it takes them). */
  #enqueue(changes: readonly ChangeRecord[]): void {
    if (this.#closed) return;
    for (const change of changes) this.#queue.push(change);
    // A drain with something queued always awaits its record first, so it never finishes before this assignment.
    if (this.#recording === null && this.#queue.length > 0) this.#recording = this.#drain();
  }

  /** Resolves once every change queued so far is recorded (or failed to be, which is logged). */
  async settled(): Promise<void> {
    while (this.#recording !== null) await this.#recording;
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        await this.#log.record(batch);
      } catch (error) {
        this.#serverLog('error', `recording ${batch.length} change${batch.length === 1 ? '' : 's'} failed; the change feed misses ${batch.length === 1 ? 'it' : 'them'} (${String(error)})`);
      }
      for (const collection of new Set(batch.map((change) => change.collection))) {
        this.#wake(collection);
        this.#notices?.recorded(collection);
      }
    }
    this.#recording = null;
  }

  /** Drops old changes (`keepMs`, `keepRows`); resolves to how many. */
  prune(): Promise<number> {
    const { keepMs, keepRows } = this.#options;
    const run = this.#pruning.then(() =>
      this.#log.prune({ before: Date.now() - keepMs, ...(keepRows > 0 ? { keepRows } : {}) }).catch((error: unknown) => {
        if (!this.#closed) this.#serverLog('error', `pruning the change feed failed (${String(error)})`);
        return 0;
      }),
    );
    this.#pruning = run;
    return run;
  }

  /** A stream over `collection`'s changes after `since`. */
  open(collection: string, since: number): ChangeStream {
    const stream = new ChangeStream(collection, since, {
      read: (name, after, limit): Promise<StoredChange[]> => this.#log.read(name, after, limit),
      detach: (ended) => this.#detach(ended),
    });
    if (this.#closed) {
      stream.end();
      return stream;
    }
    let streams = this.#streams.get(collection);
    if (!streams) {
      streams = new Set();
      this.#streams.set(collection, streams);
      this.#notices?.watch(collection, true);
    }
    streams.add(stream);
    if (this.#options.pollMs > 0 && this.#pollTimer === null) {
      this.#pollTimer = setInterval(() => {
        for (const set of this.#streams.values()) for (const each of set) each.wake();
      }, this.#options.pollMs);
      this.#pollTimer.unref?.();
    }
    return stream;
  }

  /** Number of open streams. */
  get size(): number {
    let count = 0;
    for (const streams of this.#streams.values()) count += streams.size;
    return count;
  }

  #wake(collection: string): void {
    for (const stream of this.#streams.get(collection) ?? []) stream.wake();
  }

  #detach(stream: ChangeStream): void {
    const streams = this.#streams.get(stream.collection);
    streams?.delete(stream);
    if (streams?.size === 0) {
      this.#streams.delete(stream.collection);
      this.#notices?.watch(stream.collection, false);
    }
    if (this.#streams.size === 0 && this.#pollTimer !== null) {
      clearInterval(this.#pollTimer);
      this.#pollTimer = null;
    }
  }

  /** Records what is queued, ends every stream and stops the timers (before storage closes). */
  async close(): Promise<void> {
    await this.#recording;
    this.#closed = true;
    clearInterval(this.#pruneTimer);
    for (const streams of [...this.#streams.values()]) for (const stream of [...streams]) stream.end();
    this.#notices?.close();
    await this.#pruning;
  }
}
