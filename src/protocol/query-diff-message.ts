/**
 * `query-diff` (server to client): a subscribed query's result changed. The
 * operations turn the previous ids into the new ones when applied in order
 * (`applyIdOps` in src/query/id-diff.ts): type 0 inserts `ids` at `index`,
 * 1 removes `ids` (which are at `index`), 2 moves `ids` from `index` to `to`.
 * Inserted documents the connection did not subscribe to come with their
 * state, as in `query-result`.
 */
import type { IdOp } from '../query/id-diff.ts';
import { MessageKind } from './message-kind.ts';
import { defineMessage, list, uint, struct, type FieldCodec, type MessageOf } from './message-schema.ts';
import { idList, QUERY_ITEMS_MAX, queryDocs } from './query-docs.ts';

/** One operation of a `query-diff`. */
export const idOp = struct('id operation', { type: uint, index: uint, to: uint, ids: idList });

/** Definition of the `query-diff` message. */
export const queryDiffMessage = defineMessage(MessageKind.QueryDiff, 'query-diff', {
  request: uint,
  count: uint,
  ops: list(idOp, QUERY_ITEMS_MAX),
  docs: queryDocs,
});

/** A `query-diff` message. */
export type QueryDiffMessage = MessageOf<typeof queryDiffMessage>;

/** An operation as `query-diff` carries it. */
export type WireIdOp = typeof idOp extends FieldCodec<infer T> ? T : never;

const TYPES = ['insert', 'remove', 'move'] as const;

/** The wire form of id operations. */
export function toWireOps(ops: readonly IdOp[]): WireIdOp[] {
  return ops.map((op) =>
    op.type === 'move'
      ? { type: TYPES.indexOf('move'), index: op.from, to: op.to, ids: op.ids }
      : { type: TYPES.indexOf(op.type), index: op.index, to: 0, ids: op.ids },
  );
}

/** Id operations from their wire form; a `RangeError` for an unknown operation type. */
export function fromWireOps(ops: readonly WireIdOp[]): IdOp[] {
  return ops.map((op) => {
    const type = TYPES[op.type];
    if (type === undefined) throw new RangeError(`unknown operation type ${op.type}`);
    return type === 'move' ? { type, from: op.index, to: op.to, ids: op.ids } : { type, index: op.index, ids: op.ids };
  });
}
