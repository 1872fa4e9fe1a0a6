/**
 * `QueryRuns`: a query's runs on the server, one per mode (`subscribe`,
 * `fetch`), each held by a count: the first hold opens it through the sync
 * port, the last release closes it. A hold resolves once the server
 * answered (or the port loaded a stored result while offline); a refusal
 * rejects the waiting holds and drops that mode, so a later hold asks again.
 */
import type { QueryExpression } from '../../query/query-expression.ts';
import type { ModelStore } from '../documents/model-store.ts';
import type { HoldMode, ServerQuery } from '../documents/sync-port.ts';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** A query running on the server in one mode. */
interface Running {
  readonly handle: ServerQuery;
  answered: boolean;
  /** The port loaded the documents of a stored result (offline): callers need not wait for the server. */
  cached: boolean;
  readonly waiting: Waiter[];
}

/** What the query hears of its runs. */
export interface QueryRunEvents {
  /** The server's result: ids in order, and their count. */
  readonly result: (ids: readonly string[], count: number) => void;
  /** A run was refused or failed (its mode is dropped already). */
  readonly error: (error: Error) => void;
}

/** The server runs of one query (see the file's comment). */
export class QueryRuns {
  readonly #store: ModelStore;
  readonly #spec: { readonly collection: string; readonly expression: QueryExpression };
  readonly #events: QueryRunEvents;
  readonly #running = new Map<HoldMode, Running>();
  readonly #holds = { subscribe: 0, fetch: 0 };

  constructor(store: ModelStore, spec: { readonly collection: string; readonly expression: QueryExpression }, events: QueryRunEvents) {
    this.#store = store;
    this.#spec = spec;
    this.#events = events;
  }

  /** True while a mode is held. */
  get held(): boolean {
    return this.#holds.subscribe > 0 || this.#holds.fetch > 0;
  }

  /** True while a run is open on the server. */
  get running(): boolean {
    return this.#running.size > 0;
  }

  /** Holds a mode; resolves once its run answered (at once without a server). */
  hold(mode: HoldMode): Promise<void> {
    this.#holds[mode] += 1;
    const sync = this.#store.sync;
    if (!sync) return Promise.resolve();
    let running = this.#running.get(mode);
    if (!running) {
      const fresh: Running = {
        answered: false,
        cached: false,
        waiting: [],
        handle: sync.openQuery(
          { collection: this.#spec.collection, expression: this.#spec.expression, mode },
          {
            result: (ids, count) => {
              fresh.answered = true;
              this.#events.result(ids, count);
              for (const waiter of fresh.waiting.splice(0)) waiter.resolve();
            },
            cached: () => {
              fresh.cached = true;
              for (const waiter of fresh.waiting.splice(0)) waiter.resolve();
            },
            error: (error) => {
              // Refused or failed: drop this mode's holds, so a later call asks the server again.
              if (this.#running.get(mode) === fresh) {
                this.#running.delete(mode);
                this.#holds[mode] = 0;
                fresh.handle.close();
              }
              for (const waiter of fresh.waiting.splice(0)) waiter.reject(error);
              this.#events.error(error);
            },
          },
        ),
      };
      running = fresh;
      this.#running.set(mode, fresh);
    }
    if (running.answered || running.cached) return Promise.resolve();
    const waiting = running.waiting;
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  /** Releases a hold; returns true when it was the mode's last (its run is closed then). */
  release(mode: HoldMode): boolean {
    if (this.#holds[mode] === 0) return false;
    this.#holds[mode] -= 1;
    if (this.#holds[mode] > 0) return false;
    const running = this.#running.get(mode);
    this.#running.delete(mode);
    running?.handle.close();
    for (const waiter of running?.waiting.splice(0) ?? []) waiter.reject(new Error(`yracer: the query was released before the server answered`));
    return true;
  }
}
