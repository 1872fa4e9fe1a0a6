/**
 * The key of one stored document: its collection and id (the two parts of
 * the document name `collection/id`). Its own file so that storage parts
 * (the `Storage` interface, history, adapters) share it without importing
 * one another.
 */

/** A document name split into its parts (`collection/id`). */
export interface StorageKey {
  readonly collection: string;
  readonly id: string;
}
