/**
 * Delivers model events to listeners registered by type and path pattern.
 *
 * Events are queued and delivered in order; an event caused by a listener
 * (a mutation made inside a listener) is delivered only after the current
 * event has reached every listener. Listener errors do not stop delivery:
 * the first one is rethrown once the queue is empty.
 */
import type { ListenableType, ModelEvent } from './model-event.ts';
import { PatternTrie } from './pattern-trie.ts';

/** A listener function as stored by the bus. */
export type BusListener = (event: ModelEvent, captures: readonly string[]) => void;

interface Registration {
  readonly type: ListenableType;
  readonly segments: readonly string[];
  readonly fn: BusListener;
  readonly seq: number;
  active: boolean;
}

interface Queued {
  readonly event: ModelEvent;
  readonly segments: readonly string[];
}

/** The listener registry and delivery queue shared by a model and its scoped children. */
export class EventBus {
  readonly #trie = new PatternTrie<Registration>();
  readonly #byFn = new Map<BusListener, Set<Registration>>();
  #queue: Queued[] = [];
  #flushing = false;
  #seq = 0;

  /** Registers `fn` for events of `type` whose path matches the pattern segments. */
  on(type: ListenableType, segments: readonly string[], fn: BusListener): void {
    const registration: Registration = { type, segments, fn, seq: this.#seq++, active: true };
    this.#trie.add(segments, registration);
    let set = this.#byFn.get(fn);
    if (!set) {
      set = new Set();
      this.#byFn.set(fn, set);
    }
    set.add(registration);
  }

  /** Removes every registration of `fn`; returns true when there was one. */
  off(fn: BusListener): boolean {
    const set = this.#byFn.get(fn);
    if (!set) return false;
    for (const registration of set) {
      registration.active = false;
      this.#trie.delete(registration.segments, registration);
    }
    this.#byFn.delete(fn);
    return true;
  }

  /** Number of registered listeners. */
  get size(): number {
    let n = 0;
    for (const set of this.#byFn.values()) n += set.size;
    return n;
  }

  /** Removes every listener. */
  clear(): void {
    for (const fn of [...this.#byFn.keys()]) this.off(fn);
  }

  /** Queues an event; `segments` is its path already split. */
  enqueue(event: ModelEvent, segments: readonly string[]): void {
    this.#queue.push({ event, segments });
  }

  /** Delivers queued events unless a delivery is already running further up the stack. */
  flush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    const errors: unknown[] = [];
    try {
      for (let i = 0; i < this.#queue.length; i++) {
        const { event, segments } = this.#queue[i] as Queued;
        const matches: Array<[Registration, string[]]> = [];
        this.#trie.match(segments, (registration, captures) => {
          if (registration.type === 'all' || registration.type === event.type) matches.push([registration, captures]);
        });
        if (matches.length > 1) matches.sort((a, b) => a[0].seq - b[0].seq);
        for (const [registration, captures] of matches) {
          if (!registration.active) continue;
          try {
            registration.fn(event, captures);
          } catch (error) {
            errors.push(error);
          }
        }
      }
    } finally {
      this.#queue = [];
      this.#flushing = false;
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `yracer: ${errors.length} event listeners threw`);
  }
}
