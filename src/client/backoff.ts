/**
 * Reconnect delays: exponential backoff with jitter, so clients cut off by a
 * server restart do not all come back in the same instant.
 */

/** Backoff settings, in milliseconds. */
export interface BackoffOptions {
  /** First delay (default 250). */
  readonly baseMs?: number;
  /** Largest delay (default 10,000). */
  readonly maxMs?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): a random
 * point between half and all of `min(maxMs, baseMs * 2^attempt)`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 10_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
