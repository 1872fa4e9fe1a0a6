/**
 * Type-level paths: the dotted paths (`collection.id.field.sub`) of a
 * document tree and the type of the value at one. Types only; the recursion
 * is bounded so that compiling stays fast on large schemas.
 */

/** Recursion budget: `Prev[D]` is `D - 1`, and `never` stops. */
type Prev = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Values that have no paths below them. */
type Leaf = string | number | boolean | bigint | symbol | null | undefined;

/** The keys of one level of `T` as path segments (arrays: numeric indices). */
type SegmentOf<T> = T extends readonly unknown[] ? `${number}` : T extends object ? Extract<keyof T, string> : never;

/** The value one segment below `T` (`never` when there is no such key). */
type Step<T, K extends string> = unknown extends T
  ? unknown
  : T extends Leaf
    ? never
    : T extends readonly (infer E)[]
      ? K extends `${number}`
        ? E
        : never
      : K extends keyof T
        ? T[K]
        : string extends keyof T
          ? T[keyof T & string]
          : never;

/**
 * The tree of documents that paths start from: collection, then document id
 * (any string), then the document's fields.
 *
 * @example
 * type Tree = DocumentTree<{ todos: { title: string } }>;
 * // { readonly todos: { readonly [id: string]: { title: string } } }
 */
export type DocumentTree<Docs> = { readonly [C in keyof Docs]: { readonly [id: string]: Docs[C] } };

/**
 * Every dotted path into `T`, up to `Depth` segments (default 6): object keys,
 * any string for an index signature (a document id), `${number}` for array
 * elements. A value of unknown type accepts any path below it.
 *
 * @example
 * type P = Path<DocumentTree<{ todos: { title: string; tags: string[] } }>>;
 * // 'todos' | `todos.${string}` | `todos.${string}.title` | `todos.${string}.tags` | `todos.${string}.tags.${number}`
 */
export type Path<T, Depth extends number = 6> = [Depth] extends [never]
  ? never
  : unknown extends T
    ? string
    : T extends Leaf
      ? never
      : { [K in SegmentOf<T>]-?: K | `${K}.${Path<Step<T, K>, Prev[Depth]>}` }[SegmentOf<T>];

/**
 * The type of the value at dotted path `P` in `T`; `never` when `T` has no
 * such path (a misspelled field). A `string` (not a literal) is one segment:
 * fine as a document id, never as a field name. Deeper than `Depth` (default
 * 10) segments, `unknown`. Optional fields along the way are followed (the
 * value may still be missing at run time: readers add `| undefined`).
 *
 * @example
 * type Title = ValueAt<DocumentTree<{ todos: { title: string } }>, 'todos.a1.title'>; // string
 */
export type ValueAt<T, P extends string, Depth extends number = 10> = [Depth] extends [never]
  ? unknown
  : P extends `${infer K}.${infer Rest}`
    ? ValueAt<Step<T, K>, Rest, Prev[Depth]>
    : Step<T, P>;

/**
 * `P` when it is a path of `T`, else a string type that names the problem
 * (so a misspelled path is a compile error that says which path is wrong).
 * Parameters typed `CheckPath<T, P>` infer `P` from the argument.
 *
 * @example
 * declare function get<P extends string>(path: CheckPath<Tree, P>): ValueAt<Tree, P>;
 * get('todos.a1.title'); // ok
 * get('todos.a1.titel'); // error: not assignable to 'yracer: no such path: todos.a1.titel'
 */
export type CheckPath<T, P extends string> = [ValueAt<T, P>] extends [never] ? `yracer: no such path: ${P}` : P;

/**
 * `P` when it is a path of `T` whose value is a `V` (or missing), else a
 * string type that names the problem.
 *
 * @example
 * declare function increment<P extends string>(path: CheckPathTo<Tree, P, number>): number;
 * increment('todos.a1.count'); // ok
 * increment('todos.a1.title'); // error: not a number
 */
export type CheckPathTo<T, P extends string, V> = [ValueAt<T, P>] extends [never]
  ? `yracer: no such path: ${P}`
  : [NonNullable<ValueAt<T, P>>] extends [V]
    ? P
    : `yracer: ${P} is not a ${V extends number ? 'number' : V extends readonly unknown[] ? 'array' : 'value of the expected type'}`;

/**
 * The element type of an array type (`unknown` for anything else), optional arrays included.
 *
 * @example
 * type Tag = ElementOf<string[] | undefined>; // string
 */
export type ElementOf<T> = NonNullable<T> extends readonly (infer E)[] ? E : unknown;
