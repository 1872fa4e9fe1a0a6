/**
 * The todos of query.bench.ts, shared by the benchmark and its server child
 * (query-server.child.ts), and how they are stored without going through a
 * model: each document's Yjs state is built directly with `yjs`, the way a
 * yracer model lays a document out (one root map `data` holding the fields,
 * the id included; nested values would be Y.Map / Y.Array, but a todo is
 * flat), plus its JSON value.
 *
 * This file imports nothing from yracer, so the child can use it before the
 * server starts.
 */
import * as Y from 'yjs';

/** A todo as stored. */
export interface Todo {
  readonly id: string;
  readonly listId: string;
  readonly title: string;
  readonly done: boolean;
  readonly createdAt: number;
}

/**
 * Todo number `i` of a collection spread over `lists` lists: `t<i>` in list
 * `L<i mod lists>`, `createdAt` = i (distinct), and within every list every
 * other todo done (so half of all todos are done, and half of each list).
 */
export function todo(i: number, lists: number): Todo {
  return { id: `t${i}`, listId: `L${i % lists}`, title: `todo ${i}`, done: Math.floor(i / lists) % 2 === 1, createdAt: i };
}

/**
 * The Yjs state (an update from an empty document) of a document holding
 * `value`, laid out as a yracer model does. The Y.Doc gets a guid: without
 * one, Yjs draws a random UUID (lib0's `uuidv4`, 31 calls to
 * `crypto.getRandomValues`), about 0.2 ms a document here, more than
 * everything else this does (the guid is not part of the state).
 */
export function documentState(value: Readonly<Record<string, unknown>>): Uint8Array {
  const doc = new Y.Doc({ guid: 'bench' });
  const data = doc.getMap<unknown>('data');
  doc.transact(() => {
    for (const [key, field] of Object.entries(value)) data.set(key, field);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}
