/**
 * The `history` option of `createServer` (docs/history.md): how often a
 * document's checkpoints are taken and how many are kept, and who a
 * session's writes are credited to.
 */
import type { Session } from './session.ts';

/** Options of document history (`createServer({ history })`). */
export interface HistoryOptions {
  /** Take a checkpoint once this many updates were stored since the last one (default 100). */
  readonly everyUpdates?: number;
  /** ... or this long after the first update since the last one, in ms (default 300,000: five minutes). */
  readonly everyMs?: number;
  /** Checkpoints kept per document; older ones are dropped (default 50). */
  readonly keep?: number;
  /**
   * The user a session's writes are credited to in the checkpoints (default:
   * the session's `userId`, `user` or `id`, the first that is a string or a
   * number; writes of a session with none of them count without a name).
   *
   * @example
   * history: { user: (session) => (typeof session.email === 'string' ? session.email : undefined) }
   */
  readonly user?: (session: Session) => string | undefined;
}

/** `HistoryOptions` with every default filled in. */
export type ResolvedHistoryOptions = Required<HistoryOptions>;

/** The default `user`: the session's `userId`, `user` or `id`. */
export function defaultHistoryUser(session: Session): string | undefined {
  for (const field of ['userId', 'user', 'id']) {
    const value = session[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

const positive = (value: number, name: string): number => {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`yracer createServer(): history.${name} must be a positive integer, got ${String(value)}`);
  return value;
};

/**
 * Fills in the defaults of the `history` option, or returns null when
 * history is off (`undefined` or `false`). Throws a `TypeError` naming the
 * bad field.
 *
 * @example
 * resolveHistoryOptions({ everyUpdates: 20 }); // { everyUpdates: 20, everyMs: 300000, keep: 50, user: defaultHistoryUser }
 */
export function resolveHistoryOptions(options: HistoryOptions | boolean | undefined): ResolvedHistoryOptions | null {
  if (options === undefined || options === false) return null;
  const given = options === true ? {} : options;
  if (typeof given !== 'object' || given === null) throw new TypeError('yracer createServer(): history must be an object ({ everyUpdates, everyMs, keep }), true or false');
  if (given.user !== undefined && typeof given.user !== 'function') throw new TypeError('yracer createServer(): history.user must be a function');
  return {
    everyUpdates: positive(given.everyUpdates ?? 100, 'everyUpdates'),
    everyMs: positive(given.everyMs ?? 300_000, 'everyMs'),
    keep: positive(given.keep ?? 50, 'keep'),
    user: given.user ?? defaultHistoryUser,
  };
}
