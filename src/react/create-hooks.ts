/**
 * `createHooks<typeof schema>()`: `useDoc`, `useValue` and `useQuery` typed
 * by a schema map passed as a type argument, for code that cannot (or would
 * rather not) register its schema globally (`interface Register`): a library,
 * or an app with two schemas. The functions are the same as the plain hooks.
 */
import type { TypedScope } from '../model/typed-model.ts';
import type { DocumentsOf, SchemaMap } from '../schema/standard-schema.ts';
import type { CheckPath, DocumentTree, ValueAt } from '../schema/typed-paths.ts';
import type { TypedQueryExpression } from '../schema/typed-query.ts';
import { useDoc, type UseDocOptions } from './use-doc.ts';
import { useQuery, type QueryInfo, type UseQueryOptions } from './use-query.ts';
import { useValue } from './use-value.ts';

/**
 * The hooks typed by the documents `Docs` of each collection: collections,
 * paths and query fields the schema does not have are compile errors.
 *
 * @example
 * const { useDoc, useValue, useQuery }: TypedHooks<{ todos: Todo }> = createHooks<typeof schema>();
 */
export interface TypedHooks<Docs> {
  /** `useDoc(collection, id)`, typed: `[doc | undefined, $doc]`. */
  useDoc<C extends keyof Docs & string>(collection: C, id: string, options?: UseDocOptions): [Docs[C] | undefined, TypedScope<Docs[C]>];
  /** `useValue(path)`, typed by the path. */
  useValue<P extends string>(path: CheckPath<DocumentTree<Docs>, P>): ValueAt<DocumentTree<Docs>, P> | undefined;
  /** `useQuery(collection, { ..., $count: true })`: the number of matches. */
  useQuery<C extends keyof Docs & string>(
    collection: C,
    expression: TypedQueryExpression<Docs[C]> & { readonly $count: true },
    options?: UseQueryOptions,
  ): [number, TypedScope<DocumentTree<Docs>[C]>, QueryInfo];
  /** `useQuery(collection, expression)`: the matching documents, typed. */
  useQuery<C extends keyof Docs & string>(
    collection: C,
    expression?: TypedQueryExpression<Docs[C]>,
    options?: UseQueryOptions,
  ): [readonly Docs[C][], TypedScope<DocumentTree<Docs>[C]>, QueryInfo];
}

/**
 * The plain `useDoc`, `useValue` and `useQuery`, typed by the schema map `S`
 * (types only: nothing is validated or wrapped at run time).
 *
 * @example
 * export const { useDoc, useValue, useQuery } = createHooks<typeof schema>();
 * const [todo, $todo] = useDoc('todos', id); // todo: Todo | undefined
 * const title = useValue(`todos.${id}.title`); // string | undefined
 */
export function createHooks<S extends SchemaMap>(): TypedHooks<DocumentsOf<S>> {
  const hooks = { useDoc, useValue, useQuery };
  return hooks as unknown as TypedHooks<DocumentsOf<S>>;
}
