/**
 * Query expressions typed by a document type: conditions and `$sort` may only
 * name the document's fields (dotted paths), so a misspelled field is a
 * compile error. Types only; the query language itself is in src/query.
 */
import type { Path, ValueAt } from './typed-paths.ts';

/**
 * A query expression over documents of type `Doc`: field conditions (a value
 * or an operator object), `$and`/`$or`/`$nor`, and the `$sort`, `$skip`,
 * `$limit` and `$count` modifiers.
 *
 * @example
 * const active: TypedQueryExpression<{ done: boolean; createdAt: number }> = { done: false, $sort: { createdAt: -1 } };
 */
export type TypedQueryExpression<Doc> = {
  readonly [F in Path<Doc>]?: FieldCondition<ValueAt<Doc, F>>;
} & {
  readonly $and?: readonly TypedQueryExpression<Doc>[];
  readonly $or?: readonly TypedQueryExpression<Doc>[];
  readonly $nor?: readonly TypedQueryExpression<Doc>[];
  readonly $sort?: { readonly [F in Path<Doc>]?: 1 | -1 };
  readonly $skip?: number;
  readonly $limit?: number;
  readonly $count?: boolean;
};

/**
 * A condition on one field of value type `V`: a value (for an array field,
 * also one element: the array contains it), `null`, or an operator object.
 *
 * @example
 * const condition: FieldCondition<string[]> = 'urgent';
 */
export type FieldCondition<V> = V | (V extends readonly (infer E)[] ? E : never) | null | FieldOperators<V>;

/**
 * The operators of one field's condition (`{ $gt: 1 }`), typed by the field's value.
 *
 * @example
 * const recent: FieldOperators<number> = { $gte: 1_700_000_000 };
 */
export interface FieldOperators<V> {
  readonly $eq?: V | null;
  readonly $ne?: V | null;
  readonly $gt?: V;
  readonly $gte?: V;
  readonly $lt?: V;
  readonly $lte?: V;
  readonly $in?: readonly (V | null)[];
  readonly $nin?: readonly (V | null)[];
  readonly $exists?: boolean;
  readonly $not?: V | FieldOperators<V>;
  readonly $elemMatch?: unknown;
}
