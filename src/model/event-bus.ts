/**
 * Delivers model events to listeners registered by type and path pattern.
 *
 * Events are queued and delivered in order; an event caused by a listener
 * (a mutation made inside a listener) is delivered only after the current
 * event has reached every listener. Listener errors do not stop delivery:
 * the first one is rethrown once the queue is empty.
 */
import type { ListenableType, ModelEvent } from './model-event.ts';
import { ListenerRegistry } from './listener-registry.ts';

/** A listener function as stored by the bus. */
export type BusListener = (event: ModelEvent, captures: readonly string[]) => void;

interface Queued {
  readonly event: ModelEvent;
  readonly segments: readonly string[];
}

/** The listener registry and delivery queue shared by a model and its scoped children. */
export class EventBus {
  readonly #listeners = new ListenerRegistry<BusListener, { readonly type: ListenableType }>();
  #queue: Queued[] = [];
  #flushing = false;

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

  /** Delivers queued events unless a delivery is already running further up the stack. */
  flush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    const errors: unknown[] = [];
    try {
      for (let i = 0; i < this.#queue.length; i++) {
        const { event, segments } = this.#queue[i] as Queued;
        const matches = this.#listeners.matches(segments, (registration) => registration.type === 'all' || registration.type === event.type);
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
