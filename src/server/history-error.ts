/**
 * The error of a history request (`server.history`, `server.snapshotAt`,
 * `server.restore` and their wire requests): its `code` is the wire
 * protocol's error code, and the message names what was wrong.
 */
import type { ErrorCode } from '../protocol/error-code.ts';

/** The codes a history request fails with. */
export type HistoryErrorCode = typeof ErrorCode.HistoryOff | typeof ErrorCode.BadCheckpoint | typeof ErrorCode.BadDocName | typeof ErrorCode.Forbidden;

/**
 * Raised when a history request cannot be answered: history is off
 * (`history-off`), the checkpoint does not exist (`bad-checkpoint`), the
 * document name is not valid (`bad-doc-name`), or the session's read rule
 * refuses the document (`forbidden`).
 *
 * @example
 * try {
 *   await server.snapshotAt('todos', 'a1', 99);
 * } catch (error) {
 *   if (error instanceof HistoryError && error.code === 'bad-checkpoint') res.status(404);
 * }
 */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  /** The wire protocol's error code. */
  readonly code: HistoryErrorCode;

  constructor(code: HistoryErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
