/**
 * The documents a `query-result` or `query-diff` carries: for each result
 * document the connection did not subscribe to yet, its name and full state
 * (a Yjs update). The server subscribes the connection to them as it sends
 * them; the client holds them for the query.
 */
import { DOC_NAME_MAX } from './doc-name.ts';
import { bytes, list, string, struct } from './message-schema.ts';

/** Most documents, and most ids, one query message may carry. */
export const QUERY_ITEMS_MAX = 100_000;

/** One document of a query message. */
export const queryDoc = struct('query document', { doc: string(DOC_NAME_MAX), update: bytes });

/** The documents field of query messages. */
export const queryDocs = list(queryDoc, QUERY_ITEMS_MAX);

/** A list of document ids (within the query's collection). */
export const idList = list(string(256), QUERY_ITEMS_MAX);
