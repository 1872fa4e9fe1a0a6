/**
 * Delivers model events to listeners registered by type and path pattern.
 *
 * Events are queued and delivered in order; an event caused by a listener
 * (a mutation made inside a listener) is delivered only after the current
 * event has reached every listener. Listener errors do not stop delivery:
 * the first one is rethrown once the queue is empty. `afterFlush` runs work
 * once per delivery, after its last event (queries coalesce their changes
 * there); `hold()` delays delivery across many transactions (a batch load).
 */
import type { ListenableType, ModelEvent } from './model-event.ts';
import { ListenerErrors } from './listener-errors.ts';
import { ListenerRegistry } from './listener-registry.ts';

/** A listener function as stored by the bus. */
export type BusListener = (event: ModelEvent, captures: readonly string[]) => void;

/** An event and its path split into segments. */
export interface Queued {
  readonly event: ModelEvent;
  readonly segments: readonly string[];
}

/** The listener registry and delivery queue shared by a model and its scoped children. */
export class EventBus {
  readonly #listeners = new ListenerRegistry<BusListener, { readonly type: ListenableType }>();
  #queue: Queued[] = [];
  #flushing = false;
  #holds = 0;
  readonly #after = new Set<() => void>();
  /** Derives more events from one being delivered (refs re-emit at their paths); they are delivered right after it. */
  expand: ((event: ModelEvent, segments: readonly string[]) => readonly Queued[]) | null = null;

  /** Registers `fn` for events of `type` whose path matches the pattern segments. */
  on(type: ListenableType, segments: readonly string[], fn: BusListener): void {
    this.#listeners.add(segments, fn, { type });
  }

  /** Removes every registration of `fn`; returns true when there was one. */
  off(fn: BusListener): boolean {
    return this.#listeners.remove(fn);
  }

  /** Number of registered listeners. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }

  /** Queues an event; `segments` is its path already split. */
  enqueue(event: ModelEvent, segments: readonly string[]): void {
    this.#queue.push({ event, segments });
  }

  /** Runs `fn` once after the delivery in progress has delivered its last event (at once when none is). */
  afterFlush(fn: () => void): void {
    if (this.#flushing) this.#after.add(fn);
    else fn();
  }

  /** Holds delivery back until the returned function is called (holds nest); then delivers what was queued. */
  hold(): () => void {
    this.#holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds -= 1;
      this.flush();
    };
  }

  /** Delivers queued events unless a delivery is already running further up the stack (or held). */
  flush(): void {
    if (this.#flushing || this.#holds > 0) return;
    this.#flushing = true;
    const errors = new ListenerErrors();
    try {
      let i = 0;
      while (i < this.#queue.length || this.#after.size > 0) {
        for (; i < this.#queue.length; i++) {
          const { event, segments } = this.#queue[i] as Queued;
          const matches = this.#listeners.matches(segments, (registration) => registration.type === 'all' || registration.type === event.type);
          for (const [registration, captures] of matches) {
            if (registration.active) errors.run(() => registration.fn(event, captures));
          }
          const expand = this.expand;
          if (expand) errors.run(() => {
            const more = expand(event, segments);
            if (more.length > 0) this.#queue.splice(i + 1, 0, ...more);
          });
        }
        const after = [...this.#after];
        this.#after.clear();
        for (const fn of after) errors.run(fn);
      }
    } finally {
      this.#queue = [];
      this.#after.clear();
      this.#flushing = false;
    }
    errors.rethrow('event listeners');
  }
}
