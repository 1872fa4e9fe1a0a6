/**
 * The fan-out between server processes: a publish/subscribe transport for
 * HINTS ("document X got versions 5..7, here is the update", "collection C
 * changed", presence). Storage is the only log of document updates; a
 * receiver that misses a message (lost, late, duplicated, or sent while the
 * transport was down) notices the gap and reads storage. So a fan-out never
 * queues, retries or acknowledges: it delivers what it can, fast.
 *
 * Implementations: `memoryFanoutHub()` (several servers in one process, for
 * tests and demos) and `redisFanout(url)` (Redis pub/sub).
 */

/** Carries messages between server processes (hints only: a message may be lost, late or duplicated). */
export interface Fanout {
  /** This process's id (unique per process start; random). */
  readonly process: string;
  /**
   * Listens on a channel; returns a function that stops listening. Subscriptions are reference counted per channel:
   * the transport subscribes on the first listener and unsubscribes after the last one stops. Messages this process
   * published are delivered to its own listeners too only if `echo` was asked for at creation (default: not delivered).
   */
  subscribe(channel: string, listener: (message: Uint8Array) => void): () => void;
  /** Sends a message to every process listening on the channel; never throws (a failure is counted and logged once per outage, the message is dropped). */
  publish(channel: string, message: Uint8Array): void;
  /** Called with `'up'` when the transport (re)connects (after a reconnect, messages may have been missed: receivers catch up) and `'down'` when it loses its connection. Returns a function that stops listening. */
  onStatus(listener: (status: 'up' | 'down') => void): () => void;
  /**
   * Resolves once every subscription made so far is active (messages
   * published from then on reach it). Optional: without it, a receiver
   * relies on its polling for what was published before.
   */
  settled?(): Promise<void>;
  /** True while connected. */
  readonly connected: boolean;
  /** Unsubscribes everything and closes connections. */
  close(): Promise<void>;
}

/**
 * Where a fan-out writes its log lines: the same signature as the server's
 * `ServerLog` (src/server/server-log.ts), declared here so that this
 * layer imports nothing from the server (pass the server's `log` as is).
 */
export type FanoutLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** The default `FanoutLog`: the console, with a `yracer` prefix (as the server's default log). */
export const consoleFanoutLog: FanoutLog = (level, message) => {
  const line = `yracer: ${message}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.info(line);
};

/** A new random process id (12 characters of base64url, 72 bits). */
export function randomProcessId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(9));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_');
}
