/**
 * Typed views of a model: the same runtime `Model` object, seen through
 * interfaces whose paths and values come from a schema, so a misspelled
 * collection or field is a compile error. Types only. (This file is in
 * model/ rather than schema/ because it names `Model` and `Query`, and
 * schema/ may import no other layer.)
 */
import type { IsRegistered } from '../schema/register.ts';
import type { DocumentsOf, SchemaMap } from '../schema/standard-schema.ts';
import type { TypedQueryExpression } from '../schema/typed-query.ts';
import type { CheckPath, CheckPathTo, DocumentTree, ElementOf, ValueAt } from '../schema/typed-paths.ts';
import type { Model } from './model.ts';
import type { Query } from './queries/query.ts';
import type { WriteCallback } from './mutations/write-scope.ts';

/** The `Model` members that the typed views declare again, typed. */
type TypedMembers =
  | 'get' | 'set' | 'at' | 'del' | 'increment' | 'push' | 'add' | 'query' | 'pass' | 'silent'
  | 'setPromised' | 'delPromised' | 'incrementPromised' | 'pushPromised' | 'addPromised';

/**
 * A model scoped at a value of type `T`, with `get`, `set`, `at`, `del`,
 * `increment` and `push` typed by the paths of `T` (relative to the scope);
 * every other member is `Model`'s. A wrong path is a compile error that
 * names it.
 *
 * @example
 * const $todo: TypedScope<Todo> = typedModel.at('todos.a1');
 * $todo.set('title', 'Milk');
 * $todo.get('done'); // boolean | undefined
 */
export interface TypedScope<T> extends Omit<Model, TypedMembers> {
  /** The snapshot at the scope. */
  get(): T | undefined;
  /** The snapshot at a path below the scope. */
  get<P extends string>(path: CheckPath<T, P>): ValueAt<T, P> | undefined;
  /** The snapshot of one element of the array at the scope. */
  get(index: number): ElementOf<T> | undefined;
  /** A model scoped at a path below this one. */
  at<P extends string>(path: CheckPath<T, P>): TypedScope<ValueAt<T, P>>;
  /** A model scoped at one element of the array at the scope. */
  at(index: number): TypedScope<ElementOf<T>>;
  /** Sets the value at a path and returns the previous one. */
  set<P extends string>(path: CheckPath<T, P>, value: ValueAt<T, P>, callback?: WriteCallback): ValueAt<T, P> | undefined;
  /** Sets the value at the scope and returns the previous one. */
  set(value: T): T | undefined;
  /** Deletes the value at a path and returns it. */
  del<P extends string>(path: CheckPath<T, P>, callback?: WriteCallback): ValueAt<T, P> | undefined;
  /** Deletes the value at the scope and returns it. */
  del(callback?: WriteCallback): T | undefined;
  /** Adds `by` (default 1) to the number at a path and returns the new value. */
  increment<P extends string>(path: CheckPathTo<T, P, number>, by?: number, callback?: WriteCallback): number;
  /** Adds `by` (default 1) to the number at the scope and returns the new value. */
  increment(by?: number, callback?: WriteCallback): number;
  /** Appends a value to the array at a path; returns the new length. */
  push<P extends string>(path: CheckPathTo<T, P, readonly unknown[]>, value: ElementOf<ValueAt<T, P>>, callback?: WriteCallback): number;
  /** Appends a value to the array at the scope; returns the new length. */
  push(value: ElementOf<T>): number;
  /** `set`, resolving once the write is stored. */
  setPromised<P extends string>(path: CheckPath<T, P>, value: ValueAt<T, P>): Promise<void>;
  /** `set` at the scope, resolving once the write is stored. */
  setPromised(value: T): Promise<void>;
  /** `del`, resolving once the deletion is stored. */
  delPromised<P extends string>(path: CheckPath<T, P>): Promise<void>;
  /** `del` at the scope, resolving once the deletion is stored. */
  delPromised(): Promise<void>;
  /** `increment`, resolving once the write is stored. */
  incrementPromised<P extends string>(path: CheckPathTo<T, P, number>, by?: number): Promise<void>;
  /** `increment` at the scope, resolving once the write is stored. */
  incrementPromised(by?: number): Promise<void>;
  /** `push`, resolving once the write is stored. */
  pushPromised<P extends string>(path: CheckPathTo<T, P, readonly unknown[]>, value: ElementOf<ValueAt<T, P>>): Promise<void>;
  /** `push` at the scope, resolving once the write is stored. */
  pushPromised(value: ElementOf<T>): Promise<void>;
  /** This model with `data` passed to listeners (never synced). */
  pass(data: Readonly<Record<string, unknown>>): this;
  /** This model without events (or with them again for `false`). */
  silent(value?: boolean): this;
}

/**
 * A model typed by a schema map (`{ todos: z.object({...}) }`): paths start
 * at a collection, then a document id (any string), then the document's
 * fields; `add` and `query` take only the schema's collections and fields.
 * `createModel<typeof schema>()` returns one; it is the same runtime object
 * as an untyped `Model`.
 *
 * @example
 * const model = createModel<typeof schema>();
 * const id = model.add('todos', { title: 'Milk', done: false });
 * model.set(`todos.${id}.done`, true);
 * const open = model.query('todos', { done: false }); // Query<readonly Todo[]>
 */
export interface TypedModel<S extends SchemaMap> extends TypedScope<DocumentTree<DocumentsOf<S>>> {
  /** Adds a document to a collection and returns its id (`doc.id` or a new one). */
  add<C extends keyof S & string>(collection: C, doc: DocumentsOf<S>[C] & { readonly id?: string }, callback?: WriteCallback): string;
  /** `add`, resolving with the id once the document is stored. */
  addPromised<C extends keyof S & string>(collection: C, doc: DocumentsOf<S>[C] & { readonly id?: string }): Promise<string>;
  /** A live count query over a collection. */
  query<C extends keyof S & string>(collection: C, expression: TypedQueryExpression<DocumentsOf<S>[C]> & { readonly $count: true }): Query<number>;
  /** A live query over a collection: its documents, typed. */
  query<C extends keyof S & string>(collection: C, expression?: TypedQueryExpression<DocumentsOf<S>[C]>): Query<readonly DocumentsOf<S>[C][]>;
}

/**
 * What hooks return as a scoped model: a `TypedScope<V>` when an app
 * registered its schema (`interface Register`), else the untyped `Model`.
 *
 * @example
 * const [todo, $todo] = useDoc('todos', id); // $todo: RegisteredScope<Todo>
 */
export type RegisteredScope<V> = IsRegistered extends true ? TypedScope<V> : Model;
