/**
 * Errors thrown by listeners during one delivery: every listener still runs,
 * and the first error (or all of them) is rethrown once delivery is done.
 */

/** Collects listener errors for one delivery. */
export class ListenerErrors {
  readonly #errors: unknown[] = [];

  /** Runs a listener, keeping what it throws. */
  run(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#errors.push(error);
    }
  }

  /** Rethrows what the listeners threw: the error itself when one did, an `AggregateError` naming `what` when several did. */
  rethrow(what: string): void {
    const errors = this.#errors;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `yracer: ${errors.length} ${what} threw`);
  }
}
