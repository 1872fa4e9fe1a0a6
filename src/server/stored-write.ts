/**
 * `StoredWrite`: what a room knows of one write it stored, for the change
 * hooks and the change feed (change-hooks.ts): who wrote it and the
 * document's JSON value just before and just after it was applied.
 */
import type { Session } from './session.ts';

/** One write a room stored (see the module comment). */
export interface StoredWrite {
  /** The writer's session (from `authenticate`), or undefined for the server's own writes. */
  readonly session: Session | undefined;
  /** The document's JSON value before the write (undefined: it did not exist). */
  readonly before: unknown;
  /** The document's JSON value after the write (undefined: it does not exist). */
  readonly after: unknown;
}

/** How rooms report their stored writes (`RoomSettings.writes`). */
export interface WriteWatch {
  /** True while someone listens: only then do rooms capture values and report. */
  active(): boolean;
  /** A room stored writes of its own at versions `first..last` (`writes` in order; may be fewer than the versions). */
  stored(collection: string, id: string, first: number, last: number, writes: readonly StoredWrite[]): void;
}

/** Something with a JSON value (a room). */
interface Valued {
  value(): unknown;
}

/** The document's value before a write when `watch` listens (null otherwise); pass it to `writtenAfter` once the write is applied. */
export function valueBefore(watch: WriteWatch | undefined, doc: Valued): { readonly value: unknown } | null {
  return watch?.active() ? { value: doc.value() } : null;
}

/** The write just applied by `session`, for the change hooks (undefined when they did not listen before it). */
export function writtenAfter(before: { readonly value: unknown } | null, session: Session | null | undefined, doc: Valued): StoredWrite | undefined {
  return before ? { session: session ?? undefined, before: before.value, after: doc.value() } : undefined;
}
