/**
 * `ListenOptions`: where `server.listen()` listens, and `Listening`, what it
 * resolves to.
 */

/** Where `listen` listens. */
export interface ListenOptions {
  /** Port (0, the default, picks a free one). */
  readonly port?: number;
  /** Host (default `127.0.0.1`; use `0.0.0.0` to accept other machines). */
  readonly host?: string;
}

/** What `listen` resolves to. */
export interface Listening {
  readonly port: number;
  /** The multiplexed endpoint's URL, for `createModel({ url })`. */
  readonly url: string;
}
