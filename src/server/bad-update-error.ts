/**
 * `BadUpdateError`: what a room raises for an update it cannot take.
 */

/** Raised when an update cannot be decoded or applied, or holds what a document may not; nothing of it was kept. */
export class BadUpdateError extends Error {
  override readonly name = 'BadUpdateError';
  /**
   * True when the update could be integrated but holds what a document may
   * not (content-check.ts): a stock client's such update is integrated and
   * reverted at once (see `Room.receiveReverted`), so that its later updates,
   * which build on it, still apply.
   */
  readonly integrable: boolean;

  constructor(message: string, integrable = false) {
    super(message);
    this.integrable = integrable;
  }
}
