/**
 * `ChangeHooks`: the server's `change` events (`server.on('change', ...)`).
 *
 * Rooms report each write they stored themselves, with the document's JSON
 * value before and after it and the writer's session (stored-write.ts).
 * The events of one turn of the event loop are batched per document: the
 * writes a document got in that turn make one event, with the first write's
 * `before`, the last one's `after` and the last version. Writes of
 * different sessions are not merged: when the writer changes within a turn,
 * a new event starts (its `before` is the previous event's `after`), so each
 * event has exactly one session. An event whose value did not change
 * (`after` equals `before`: a write that set what was there, an empty
 * update, a stock client's refused write) is not emitted. A listener that throws is logged; the
 * other listeners still get the event. Other processes' writes (shared
 * storage) raise events in the process that stored them, not here.
 */
import { jsonEqual } from '../query/compare-values.ts';
import type { ServerLog } from './server-log.ts';
import type { Session } from './session.ts';
import type { StoredWrite, WriteWatch } from './stored-write.ts';

/** One `change` event: a document's stored writes of one turn by one writer. */
export interface ChangeEvent {
  readonly collection: string;
  readonly id: string;
  /** The document's version after the last write of the event. */
  readonly version: number;
  /** The document's JSON value before the first write (undefined: it was created). */
  readonly before: unknown;
  /** The document's JSON value after the last write (undefined: it was deleted). */
  readonly after: unknown;
  /** The writer's session (what `authenticate` returned), or undefined for the server's own writes (a model without a session). */
  readonly session: Session | undefined;
}

/** A `change` listener. */
export type ChangeListener = (event: ChangeEvent) => void;

/** The change events of one server (see the module comment). */
export class ChangeHooks implements WriteWatch {
  readonly #log: ServerLog;
  readonly #listeners = new Set<ChangeListener>();
  /** Internal consumers of every batch of events (the change feed). */
  readonly #sinks = new Set<(events: readonly ChangeEvent[]) => void>();
  /** This turn's events, by document. */
  #pending = new Map<string, ChangeEvent[]>();
  #scheduled = false;
  /** Settles at the next flush (while events are batched). */
  #flushed: { readonly promise: Promise<void>; readonly resolve: () => void } | null = null;

  constructor(log: ServerLog) {
    this.#log = log;
  }

  /** True while anyone listens (rooms capture values only then). */
  active(): boolean {
    return this.#listeners.size > 0 || this.#sinks.size > 0;
  }

  /** Adds a listener (once: adding it again does nothing). */
  on(listener: ChangeListener): void {
    if (typeof listener !== 'function') throw new TypeError('yracer server.on(\'change\', listener): the listener must be a function');
    this.#listeners.add(listener);
  }

  /** Removes a listener. */
  off(listener: ChangeListener): void {
    this.#listeners.delete(listener);
  }

  /** Adds an internal consumer of every batch of events; returns its removal. */
  sink(consume: (events: readonly ChangeEvent[]) => void): () => void {
    this.#sinks.add(consume);
    return () => this.#sinks.delete(consume);
  }

  /** A room stored writes at versions `first..last`: batched into this turn's events (see the module comment). */
  stored(collection: string, id: string, first: number, last: number, writes: readonly StoredWrite[]): void {
    const name = `${collection}/${id}`;
    let events = this.#pending.get(name);
    if (!events) {
      events = [];
      this.#pending.set(name, events);
    }
    writes.forEach((write, i) => {
      const version = i === writes.length - 1 ? last : Math.min(first + i, last);
      const previous = events[events.length - 1];
      if (previous && previous.session === write.session) events[events.length - 1] = { ...previous, version, after: write.after };
      else events.push({ collection, id, version, before: write.before, after: write.after, session: write.session });
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Resolves once the events batched so far are emitted (at the end of this turn; at once when none are). */
  emitted(): Promise<void> {
    if (!this.#scheduled) return Promise.resolve();
    if (!this.#flushed) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#flushed = { promise, resolve };
    }
    return this.#flushed.promise;
  }

  /** Emits the events batched so far (at the end of the turn; the server calls it when closing). */
  flush(): void {
    this.#scheduled = false;
    const flushed = this.#flushed;
    this.#flushed = null;
    try {
      this.#emit();
    } finally {
      flushed?.resolve();
    }
  }

  #emit(): void {
    if (this.#pending.size === 0) return;
    // Cheap: unchanged subtrees are shared, so the comparison stops at them.
    const events = [...this.#pending.values()].flat().filter((event) => !jsonEqual(event.before, event.after));
    this.#pending = new Map();
    if (events.length === 0) return;
    for (const sink of this.#sinks) {
      try {
        sink(events);
      } catch (error) {
        this.#log('error', `recording ${events.length} change events failed (${String(error)})`);
      }
    }
    for (const event of events) {
      for (const listener of [...this.#listeners]) {
        try {
          listener(event);
        } catch (error) {
          this.#log('error', `a change listener threw for ${event.collection}/${event.id} (${String(error)})`);
        }
      }
    }
  }
}
