/**
 * The fan-out on Redis pub/sub (@redis/client): one client publishes, a
 * duplicate of it subscribes (a subscribed connection can do nothing else).
 *
 * - Binary: messages are published as Buffers and received in node-redis's
 *   buffer mode (`subscribe(channel, listener, true)`), so any bytes pass.
 *   Each message carries the sender's process id in front (fanout-frame.ts).
 * - No offline queue: both clients run with `disableOfflineQueue`, and a
 *   publish while the publisher is not ready is dropped here before it
 *   reaches node-redis; while connected, at most `maxPendingPublishes`
 *   publishes wait for Redis (`commandsQueueMaxLength`), more are dropped.
 * - Reconnects forever, with exponential backoff up to
 *   `maxReconnectDelayMs`; node-redis subscribes again to the confirmed
 *   channels before it reports 'ready', and `RedisSubscriptions` sends the
 *   changes made meanwhile. `'up'` is emitted once all that is done.
 * - Never throws from `publish` and never lets an 'error' event go
 *   unhandled; logs one line per outage and one when it ends.
 */
import { createClient, type RedisClientOptions, type RedisClientType } from '@redis/client';
import { ChannelListeners, StatusListeners, describeError, type MessageListener, type StatusListener } from './channel-listeners.ts';
import { consoleFanoutLog, randomProcessId, type Fanout, type FanoutLog } from './fanout.ts';
import { decodeFrame, encodeFrame, frameHeader, sentBy } from './fanout-frame.ts';
import { RedisSubscriptions } from './redis-subscriptions.ts';

/** Options of `redisFanout`. */
export interface RedisFanoutOptions {
  /** `redis[s]://[[username][:password]@][host][:port][/db-number]` (default: node-redis's, localhost:6379). */
  readonly url?: string;
  /** Prepended to every channel name in Redis (default `yracer:`), to share a Redis with other applications. */
  readonly channelPrefix?: string;
  /** Deliver this process's own publishes to its own listeners too (default false). */
  readonly echo?: boolean;
  /** Where log lines go (default: the console, as the server's default log); pass the server's `log`. */
  readonly log?: FanoutLog;
  /** Longest wait between two reconnection attempts, in ms (default 2000); the first waits 50 ms, then doubling. */
  readonly maxReconnectDelayMs?: number;
  /** Most publishes waiting for Redis's reply while connected (default 10 000); more are dropped. */
  readonly maxPendingPublishes?: number;
  /**
   * More @redis/client options (TLS socket, username, password, database, ...). The fan-out sets
   * `url`, `disableOfflineQueue`, `commandsQueueMaxLength` and `socket.reconnectStrategy` itself, and
   * names its connections `<name>:<process>:pub` and `:sub` (`name` default `yracer-fanout`, see CLIENT LIST).
   */
  readonly client?: RedisClientOptions;
}

/** A fan-out on Redis. */
export interface RedisFanout extends Fanout {
  /** Messages dropped so far: published while disconnected, beyond `maxPendingPublishes`, or failed. */
  readonly dropped: number;
  /** Resolves when Redis confirmed every subscribe and unsubscribe made so far (waits across reconnects; at once after `close()`). */
  settled(): Promise<void>;
}

/** Default `channelPrefix`. */
export const DEFAULT_CHANNEL_PREFIX = 'yracer:';

/**
 * Creates a fan-out on Redis pub/sub and starts connecting (in the
 * background: it returns at once, emits `'up'` once connected and retries
 * for as long as it takes; publishes before that are dropped).
 *
 * @example
 * ```ts
 * const fanout = redisFanout({ url: 'redis://127.0.0.1:6379', log: serverLog });
 * fanout.onStatus((status) => { if (status === 'up') catchUpFromStorage(); });
 * const stop = fanout.subscribe('doc:todos/1', (message) => applyHint(message));
 * fanout.publish('doc:todos/1', update);
 * // ...
 * stop();
 * await fanout.close();
 * ```
 */
export function redisFanout(urlOrOptions: string | RedisFanoutOptions): RedisFanout {
  return new RedisFanoutImpl(typeof urlOrOptions === 'string' ? { url: urlOrOptions } : urlOrOptions);
}

class RedisFanoutImpl implements RedisFanout {
  readonly process = randomProcessId();
  readonly #header = frameHeader(this.process);
  readonly #prefix: string;
  readonly #echo: boolean;
  readonly #log: FanoutLog;
  readonly #listeners: ChannelListeners;
  readonly #statusListeners: StatusListeners;
  readonly #publisher: RedisClientType;
  readonly #subscriber: RedisClientType;
  readonly #subscriptions: RedisSubscriptions;
  #status: 'up' | 'down' = 'down';
  #upPending = false;
  #everUp = false;
  #closed: Promise<void> | undefined;
  #dropped = 0;
  #downSince = Date.now();
  #droppedBefore = 0;
  #lastError: unknown;
  /** Whether dropped publishes were logged already (once per outage, or per connection for other failures). */
  #failureLogged = false;

  constructor(options: RedisFanoutOptions) {
    this.#prefix = options.channelPrefix ?? DEFAULT_CHANNEL_PREFIX;
    this.#echo = options.echo ?? false;
    this.#log = options.log ?? consoleFanoutLog;
    this.#listeners = new ChannelListeners(this.#log);
    this.#statusListeners = new StatusListeners(this.#log);
    const maxDelay = options.maxReconnectDelayMs ?? 2000;
    const name = `${options.client?.name ?? 'yracer-fanout'}:${this.process}`;
    this.#publisher = createClient({
      ...options.client,
      ...(options.url === undefined ? {} : { url: options.url }),
      name: `${name}:pub`,
      disableOfflineQueue: true,
      commandsQueueMaxLength: options.maxPendingPublishes ?? 10_000,
      socket: {
        ...options.client?.socket,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 16), maxDelay) + Math.floor(Math.random() * 50),
      },
    });
    this.#subscriber = this.#publisher.duplicate({ name: `${name}:sub` });
    this.#subscriptions = new RedisSubscriptions({
      ready: () => this.#subscriber.isReady,
      subscribe: async (channels) => this.#subscriber.subscribe(channels.map(this.#redisChannel), this.#onMessage, true),
      unsubscribe: async (channels) => this.#subscriber.unsubscribe(channels.map(this.#redisChannel), this.#onMessage, true),
      failed: (error, command) => {
        // Rejections caused by a lost connection are covered by the outage's log line.
        if (this.#closed === undefined && this.#subscriber.isReady) this.#log('warn', `fan-out: Redis ${command} failed (${describeError(error)}); tried again with the next change or reconnection`);
      },
    });
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on('error', (error: unknown) => {
        this.#lastError = error;
        this.#evaluate();
      });
      for (const event of ['ready', 'end', 'reconnecting']) client.on(event, () => this.#evaluate());
      // connect() settles when ready, or rejects once closed: errors come as 'error' events.
      client.connect().catch(() => {});
    }
  }

  get connected(): boolean {
    return this.#status === 'up';
  }

  get dropped(): number {
    return this.#dropped;
  }

  subscribe(channel: string, listener: MessageListener): () => void {
    if (this.#closed !== undefined) return () => {};
    return this.#listeners.add(
      channel,
      listener,
      () => this.#subscriptions.want(channel),
      () => this.#subscriptions.unwant(channel),
    );
  }

  publish(channel: string, message: Uint8Array): void {
    if (!(message instanceof Uint8Array)) {
      this.#drop(`publish on channel "${channel}" needs a Uint8Array`);
      return;
    }
    if (this.#closed !== undefined) return this.#drop('the fan-out is closed');
    if (!this.#publisher.isReady) return this.#drop('not connected to Redis');
    const frame = encodeFrame(this.#header, message);
    const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    this.#publisher.publish(this.#redisChannel(channel), bytes).catch((error: unknown) => this.#drop(describeError(error)));
  }

  onStatus(listener: StatusListener): () => void {
    return this.#statusListeners.add(listener);
  }

  settled(): Promise<void> {
    return this.#subscriptions.settled();
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#status = 'down';
    this.#listeners.clear();
    this.#statusListeners.clear();
    this.#subscriptions.close();
    // Closing the connection ends its subscriptions: nothing to flush on the subscriber.
    this.#subscriber.destroy();
    if (!this.#publisher.isReady) {
      this.#publisher.destroy();
      return;
    }
    // Let the publishes on their way reach Redis, for a second at most.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
    await Promise.race([this.#publisher.close().catch(() => {}), timeout]);
    clearTimeout(timer);
    this.#publisher.destroy();
  }

  readonly #redisChannel = (channel: string): string => this.#prefix + channel;

  readonly #onMessage = (message: Buffer, redisChannel: Buffer): void => {
    if (this.#closed !== undefined || (!this.#echo && sentBy(message, this.#header))) return;
    const frame = decodeFrame(message);
    if (frame === undefined) return; // not a yracer frame (another program, or another format version)
    const channel = redisChannel.toString().slice(this.#prefix.length);
    this.#listeners.deliver(channel, frame.payload);
  };

  /** Counts a dropped message; logs the first one of an outage (before the first connection, 'cannot reach Redis' does). */
  #drop(reason: string): void {
    this.#dropped++;
    if (this.#failureLogged || !this.#everUp) return;
    this.#failureLogged = true;
    this.#log('warn', `fan-out: dropping published messages (${reason})`);
  }

  /** Called on every client event: emits 'down' at once, 'up' once both clients are ready and subscribed. */
  #evaluate(): void {
    if (this.#closed !== undefined) return;
    const ready = this.#publisher.isReady && this.#subscriber.isReady;
    if (!ready) {
      if (this.#status === 'up') this.#goDown();
      else if (!this.#everUp && !this.#failureLogged && this.#lastError !== undefined) {
        this.#failureLogged = true;
        this.#log('warn', `fan-out: cannot reach Redis (${describeError(this.#lastError)}); retrying, messages are dropped until connected`);
      }
      return;
    }
    if (this.#status === 'up' || this.#upPending) return;
    this.#upPending = true;
    void this.#subscriptions.sync().then(() => {
      this.#upPending = false;
      if (this.#closed !== undefined || this.#status === 'up') return;
      if (this.#publisher.isReady && this.#subscriber.isReady) this.#goUp();
    });
  }

  #goDown(): void {
    this.#status = 'down';
    this.#downSince = Date.now();
    this.#droppedBefore = this.#dropped;
    this.#failureLogged = true;
    const cause = this.#lastError === undefined ? '' : ` (${describeError(this.#lastError)})`;
    this.#log('warn', `fan-out: lost the connection to Redis${cause}; reconnecting, messages are dropped meanwhile`);
    this.#statusListeners.emit('down');
  }

  #goUp(): void {
    const seconds = ((Date.now() - this.#downSince) / 1000).toFixed(1);
    const dropped = this.#dropped - this.#droppedBefore;
    this.#log('info', this.#everUp ? `fan-out: reconnected to Redis after ${seconds} s (${dropped} messages dropped meanwhile)` : 'fan-out: connected to Redis');
    this.#status = 'up';
    this.#everUp = true;
    this.#failureLogged = false;
    this.#lastError = undefined;
    this.#statusListeners.emit('up');
  }
}
