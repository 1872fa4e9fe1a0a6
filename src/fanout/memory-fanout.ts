/**
 * An in-process fan-out: several servers in ONE process exchange messages
 * through a hub, as separate processes would through Redis. For tests and
 * demos. Delivery is asynchronous (one microtask queue per hub, so the order
 * of publishes is kept, per channel and overall), each receiving fan-out gets
 * its own copy of the bytes, and the hub can simulate an outage.
 */
import { ChannelListeners, StatusListeners, type MessageListener, type StatusListener } from './channel-listeners.ts';
import { consoleFanoutLog, randomProcessId, type Fanout, type FanoutLog } from './fanout.ts';

/** Options of `MemoryFanoutHub.connect`. */
export interface MemoryFanoutOptions {
  /** Deliver this fan-out's own publishes to its own listeners too (default false, as between processes). */
  readonly echo?: boolean;
  /** Where a listener that throws is logged (default: the console). */
  readonly log?: FanoutLog;
}

/** A fan-out connected to a `MemoryFanoutHub`. */
export interface MemoryFanout extends Fanout {
  /** Messages this fan-out dropped: published while the hub was down or after `close()`. */
  readonly dropped: number;
  /** Resolves when every subscription made so far is active (at once: the hub subscribes synchronously). */
  settled(): Promise<void>;
}

/** An in-process hub that connects fan-outs: one per simulated server. */
export interface MemoryFanoutHub {
  /** Connects a new fan-out (a new simulated server process, with a new process id). */
  connect(options?: MemoryFanoutOptions): MemoryFanout;
  /**
   * Simulates an outage (`true`) or its end (`false`): while down, publishes
   * are dropped and counted; every connected fan-out is told `'down'`, then
   * `'up'` when it ends (asynchronously, after the deliveries queued before).
   */
  setDown(down: boolean): void;
  /** True during a simulated outage. */
  readonly down: boolean;
  /** How many connected fan-outs listen on the channel (to check reference counting). */
  subscriberCount(channel: string): number;
  /** Resolves once every delivery and status change queued so far has run. */
  flush(): Promise<void>;
}

/**
 * Creates an in-process fan-out hub.
 *
 * Each `connect()` returns a fan-out with its own process id. A fan-out is
 * told `'up'` (asynchronously) when it connects, and `'down'`/`'up'` around
 * a simulated outage (`setDown`). Subscribing is immediate.
 *
 * @example
 * ```ts
 * const hub = memoryFanoutHub();
 * const a = hub.connect();
 * const b = hub.connect();
 * b.subscribe('doc:todos/1', (message) => console.log(message));
 * a.publish('doc:todos/1', new Uint8Array([1, 2, 3])); // b's listener gets a copy, later in this turn
 * ```
 */
export function memoryFanoutHub(): MemoryFanoutHub {
  return new Hub();
}

class Hub implements MemoryFanoutHub {
  readonly #subscribers = new Map<string, Set<MemoryFanoutImpl>>();
  readonly #connected = new Set<MemoryFanoutImpl>();
  #queue: (() => void)[] = [];
  #draining = false;
  #down = false;

  get down(): boolean {
    return this.#down;
  }

  connect(options: MemoryFanoutOptions = {}): MemoryFanout {
    const fanout = new MemoryFanoutImpl(this, options);
    this.#connected.add(fanout);
    if (!this.#down) this.enqueue(() => fanout.status('up'));
    return fanout;
  }

  setDown(down: boolean): void {
    if (down === this.#down) return;
    this.#down = down;
    const status = down ? 'down' : 'up';
    for (const fanout of this.#connected) this.enqueue(() => fanout.status(status));
  }

  subscriberCount(channel: string): number {
    return this.#subscribers.get(channel)?.size ?? 0;
  }

  flush(): Promise<void> {
    return new Promise((resolve) => this.enqueue(resolve));
  }

  /** Called by a fan-out on its channel's first listener. */
  join(channel: string, fanout: MemoryFanoutImpl): void {
    let fanouts = this.#subscribers.get(channel);
    if (fanouts === undefined) {
      fanouts = new Set();
      this.#subscribers.set(channel, fanouts);
    }
    fanouts.add(fanout);
  }

  /** Called by a fan-out when its channel loses its last listener. */
  leave(channel: string, fanout: MemoryFanoutImpl): void {
    const fanouts = this.#subscribers.get(channel);
    if (fanouts === undefined) return;
    fanouts.delete(fanout);
    if (fanouts.size === 0) this.#subscribers.delete(channel);
  }

  /** Called by a fan-out's `close()`. */
  disconnect(fanout: MemoryFanoutImpl, channels: Iterable<string>): void {
    this.#connected.delete(fanout);
    for (const channel of channels) this.leave(channel, fanout);
  }

  /** Queues a copy of the message for every fan-out listening on the channel; false when the hub is down. */
  publish(channel: string, message: Uint8Array, from: MemoryFanoutImpl, echo: boolean): boolean {
    if (this.#down) return false;
    for (const fanout of this.#subscribers.get(channel) ?? []) {
      if (fanout === from && !echo) continue;
      const copy = new Uint8Array(message);
      this.enqueue(() => fanout.deliver(channel, copy));
    }
    return true;
  }

  enqueue(task: () => void): void {
    this.#queue.push(task);
    if (this.#draining) return;
    this.#draining = true;
    queueMicrotask(() => this.#drain());
  }

  #drain(): void {
    // Tasks queued while draining (a listener that publishes) run in this same
    // pass, after everything queued before them.
    for (let i = 0; i < this.#queue.length; i++) this.#queue[i]?.();
    this.#queue = [];
    this.#draining = false;
  }
}

class MemoryFanoutImpl implements MemoryFanout {
  readonly process = randomProcessId();
  readonly #hub: Hub;
  readonly #echo: boolean;
  readonly #log: FanoutLog;
  readonly #listeners: ChannelListeners;
  readonly #statusListeners: StatusListeners;
  #connected = false;
  #closed = false;
  #dropped = 0;

  constructor(hub: Hub, options: MemoryFanoutOptions) {
    this.#hub = hub;
    this.#echo = options.echo ?? false;
    this.#log = options.log ?? consoleFanoutLog;
    this.#listeners = new ChannelListeners(this.#log);
    this.#statusListeners = new StatusListeners(this.#log);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get dropped(): number {
    return this.#dropped;
  }

  subscribe(channel: string, listener: MessageListener): () => void {
    if (this.#closed) return () => {};
    return this.#listeners.add(
      channel,
      listener,
      () => this.#hub.join(channel, this),
      () => this.#hub.leave(channel, this),
    );
  }

  publish(channel: string, message: Uint8Array): void {
    if (!(message instanceof Uint8Array)) {
      this.#log('error', `fan-out: publish on channel "${channel}" needs a Uint8Array (message dropped)`);
      this.#dropped++;
      return;
    }
    if (this.#closed || !this.#hub.publish(channel, message, this, this.#echo)) this.#dropped++;
  }

  onStatus(listener: StatusListener): () => void {
    return this.#statusListeners.add(listener);
  }

  settled(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#connected = false;
      this.#hub.disconnect(this, [...this.#listeners.channels()]);
      this.#listeners.clear();
      this.#statusListeners.clear();
    }
    return Promise.resolve();
  }

  /** Called by the hub (queued): a message for one of this fan-out's channels. */
  deliver(channel: string, message: Uint8Array): void {
    if (!this.#closed) this.#listeners.deliver(channel, message);
  }

  /** Called by the hub (queued): the hub went down or came back. */
  status(status: 'up' | 'down'): void {
    const connected = status === 'up';
    if (this.#closed || connected === this.#connected) return;
    this.#connected = connected;
    this.#statusListeners.emit(status);
  }
}
