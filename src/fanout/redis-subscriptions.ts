/**
 * Keeps a Redis subscriber's channels in line with the channels that have
 * listeners. Changes are applied in passes, one at a time, only while the
 * subscriber is connected: a pass subscribes the channels that got their
 * first listener and unsubscribes those that lost their last one (each set
 * as one command). Nothing is sent while disconnected, so nothing queues up
 * during an outage: the next pass, when the connection is ready again, sends
 * what changed meanwhile.
 *
 * After a reconnect node-redis subscribes again, by itself, to every channel
 * whose SUBSCRIBE it saw confirmed (and whose UNSUBSCRIBE it did not), which
 * is exactly `active` here; a command that a lost connection rejected is
 * sent again by the pass that runs on 'ready'.
 */

/** What the subscriptions need from the subscriber client. */
export interface SubscriberIo {
  /** Whether the subscriber is connected (and done re-subscribing after a reconnect). */
  ready(): boolean;
  /** Subscribes to the channels (resolves once Redis confirmed). */
  subscribe(channels: string[]): Promise<void>;
  /** Unsubscribes from the channels (resolves once Redis confirmed). */
  unsubscribe(channels: string[]): Promise<void>;
  /** A subscribe or unsubscribe failed (the next pass, on the next change or reconnection, tries again). */
  failed(error: unknown, command: 'SUBSCRIBE' | 'UNSUBSCRIBE'): void;
}

/** The channels a subscriber should be and is subscribed to. */
export class RedisSubscriptions {
  readonly #io: SubscriberIo;
  /** Channels with listeners. */
  readonly #wanted = new Set<string>();
  /** Channels whose SUBSCRIBE Redis confirmed (and no UNSUBSCRIBE since). */
  readonly #active = new Set<string>();
  #running: Promise<void> | undefined;
  #dirty = false;
  #closed = false;
  #waiters: (() => void)[] = [];

  constructor(io: SubscriberIo) {
    this.#io = io;
  }

  /** Channels whose subscription Redis confirmed. */
  get active(): ReadonlySet<string> {
    return this.#active;
  }

  /** True when every wanted channel, and no other, is subscribed. */
  get inSync(): boolean {
    if (this.#wanted.size !== this.#active.size) return false;
    for (const channel of this.#wanted) if (!this.#active.has(channel)) return false;
    return true;
  }

  /** A channel got its first listener. */
  want(channel: string): void {
    this.#wanted.add(channel);
    void this.sync();
  }

  /** A channel lost its last listener. */
  unwant(channel: string): void {
    this.#wanted.delete(channel);
    void this.sync();
  }

  /**
   * Runs passes until nothing changed during the last one or the subscriber
   * is not ready; joins the passes already running. Never rejects.
   */
  sync(): Promise<void> {
    if (this.#running !== undefined) {
      this.#dirty = true;
      return this.#running;
    }
    const running = this.#run().finally(() => {
      this.#running = undefined;
      // A change that arrived after the last pass checked #dirty.
      if (this.#dirty && !this.#closed && this.#io.ready()) void this.sync();
      else this.#wake();
    });
    this.#running = running;
    return running;
  }

  /** Resolves when `inSync` (checked after each pass; waits across reconnects), or on `close()`. */
  settled(): Promise<void> {
    if (this.#closed || (this.inSync && this.#running === undefined)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops: no more passes; `settled()` resolves. */
  close(): void {
    this.#closed = true;
    this.#wanted.clear();
    this.#wake();
  }

  async #run(): Promise<void> {
    do {
      this.#dirty = false;
      // Let the changes of this turn gather into one pass.
      await Promise.resolve();
      if (this.#closed || !this.#io.ready()) return;
      await this.#pass();
    } while (this.#dirty && !this.#closed);
  }

  async #pass(): Promise<void> {
    const add = [...this.#wanted].filter((channel) => !this.#active.has(channel));
    const remove = [...this.#active].filter((channel) => !this.#wanted.has(channel));
    const commands: Promise<void>[] = [];
    if (add.length > 0) {
      commands.push(
        this.#io.subscribe(add).then(
          () => add.forEach((channel) => this.#active.add(channel)),
          (error: unknown) => this.#io.failed(error, 'SUBSCRIBE'),
        ),
      );
    }
    if (remove.length > 0) {
      commands.push(
        this.#io.unsubscribe(remove).then(
          () => remove.forEach((channel) => this.#active.delete(channel)),
          (error: unknown) => this.#io.failed(error, 'UNSUBSCRIBE'),
        ),
      );
    }
    await Promise.all(commands);
  }

  #wake(): void {
    if (!this.#closed && !this.inSync) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
