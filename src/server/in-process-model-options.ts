/**
 * `InProcessModelOptions`: the options of `server.createModel()`.
 */
import type { LocalModelOptions } from '../model/create-model.ts';
import type { Session } from './session.ts';

/** Options of `server.createModel()`. */
export interface InProcessModelOptions extends LocalModelOptions {
  /** How long a released document stays in the model, in ms (default 1,000). */
  readonly unloadDelayMs?: number;
  /**
   * The session the model acts for (what `authenticate` returns). With one,
   * the server's read rules, write rules and schema apply to the model as
   * to a client: a refused subscribe or fetch rejects with an
   * `AccessRefusedError`, queries return only readable documents, and a
   * refused write rejects its callback and `whenNothingPending()`, emits
   * `error` and returns the document to the stored state (empty when the
   * session may not read it). The server's schema also checks local writes
   * (unless `schema` is given). Without one, the model is trusted: nothing
   * is checked.
   */
  readonly session?: Session;
  /**
   * Subscribing loads documents (and queries answer) once, without joining
   * their rooms: later changes do not reach the model. The bundle still
   * lists them as subscribed, so a browser resuming from it subscribes.
   * For one request's render (`modelMiddleware()` sets it). Default false.
   */
  readonly fetchOnly?: boolean;
}
