/**
 * The listener bookkeeping that every fan-out transport shares: listeners
 * per channel, reference counted (the transport subscribes when a channel
 * gets its first listener and unsubscribes when it loses its last one), and
 * status listeners. A listener that throws is logged and does not keep the
 * other listeners from the message.
 */
import type { FanoutLog } from './fanout.ts';

/** A channel's listener. */
export type MessageListener = (message: Uint8Array) => void;

/** A status listener. */
export type StatusListener = (status: 'up' | 'down') => void;

/** Listeners per channel, reference counted; one instance per fan-out. */
export class ChannelListeners {
  // One record per subscribe() call, so the same function subscribed twice
  // counts twice and each returned function removes exactly its own call.
  readonly #channels = new Map<string, Set<{ readonly listener: MessageListener }>>();
  readonly #log: FanoutLog;

  constructor(log: FanoutLog) {
    this.#log = log;
  }

  /** Channels with at least one listener. */
  channels(): IterableIterator<string> {
    return this.#channels.keys();
  }

  /** Whether the channel has a listener. */
  has(channel: string): boolean {
    return this.#channels.has(channel);
  }

  /**
   * Adds a listener; calls `onFirst` when the channel had none, and the
   * returned function calls `onLast` when it removes the channel's last one
   * (the returned function is idempotent).
   */
  add(channel: string, listener: MessageListener, onFirst: () => void, onLast: () => void): () => void {
    const record = { listener };
    let records = this.#channels.get(channel);
    const first = records === undefined;
    if (records === undefined) {
      records = new Set();
      this.#channels.set(channel, records);
    }
    records.add(record);
    if (first) onFirst();
    return () => {
      const current = this.#channels.get(channel);
      if (current === undefined || !current.delete(record) || current.size > 0) return;
      this.#channels.delete(channel);
      onLast();
    };
  }

  /** Calls the channel's listeners with the message (a listener removed meanwhile is skipped). */
  deliver(channel: string, message: Uint8Array): void {
    const records = this.#channels.get(channel);
    if (records === undefined) return;
    for (const { listener } of records) {
      try {
        listener(message);
      } catch (error) {
        this.#log('error', `fan-out: a listener of channel "${channel}" threw: ${describeError(error)}`);
      }
    }
  }

  /** Removes every listener (without calling `onLast`). */
  clear(): void {
    this.#channels.clear();
  }
}

/** Status listeners. */
export class StatusListeners {
  readonly #listeners = new Set<{ readonly listener: StatusListener }>();
  readonly #log: FanoutLog;

  constructor(log: FanoutLog) {
    this.#log = log;
  }

  /** Adds a listener; returns a function that removes it. */
  add(listener: StatusListener): () => void {
    const record = { listener };
    this.#listeners.add(record);
    return () => {
      this.#listeners.delete(record);
    };
  }

  /** Calls every listener. */
  emit(status: 'up' | 'down'): void {
    for (const { listener } of this.#listeners) {
      try {
        listener(status);
      } catch (error) {
        this.#log('error', `fan-out: a status listener threw on '${status}': ${describeError(error)}`);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}

/** An error's message for a log line. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // A refused connection to a name with several addresses is an AggregateError without a message.
  const message = error.message || (error instanceof AggregateError ? error.errors.map(describeError).join(', ') : '') || error.name;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
