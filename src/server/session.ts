/**
 * `Session`: who a connection, request or in-process model acts for (a type
 * of its own so that rules, hooks and rooms can name it without importing
 * the server options).
 */

/** What `authenticate` returns for an accepted connection (available to rules later). */
export type Session = Readonly<Record<string, unknown>>;
