/**
 * Registering an app's schema once, for types only (as TanStack Router does),
 * so the React hooks know the document types without being passed the schema.
 */
import type { DocumentsOf, SchemaMap } from './standard-schema.ts';
import type { DocumentTree } from './typed-paths.ts';

/**
 * Augment this interface with `schema: typeof schema` to type the hooks of
 * `yracer/react` by your schema. Without it, every hook stays untyped.
 *
 * @example
 * declare module 'yracer' {
 *   interface Register {
 *     schema: typeof schema; // { todos: z.object({ title: z.string(), done: z.boolean() }) }
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- apps fill it in by declaration merging
export interface Register {}

/**
 * The registered schema map, or `never` when none is registered.
 *
 * @example
 * type S = RegisteredSchema; // typeof schema
 */
export type RegisteredSchema = Register extends { readonly schema: infer S extends SchemaMap } ? S : never;

/**
 * The document type of each registered collection; without a registration
 * any collection, with documents of type `unknown`.
 *
 * @example
 * type Todo = RegisteredDocs['todos'];
 */
export type RegisteredDocs = [RegisteredSchema] extends [never] ? Readonly<Record<string, unknown>> : DocumentsOf<RegisteredSchema>;

/**
 * The registered collection names (`string` when nothing is registered).
 *
 * @example
 * const collection: RegisteredCollection = 'todos';
 */
export type RegisteredCollection = keyof RegisteredDocs & string;

/**
 * The registered document tree that hook paths start from.
 *
 * @example
 * type Title = ValueAt<RegisteredTree, 'todos.a1.title'>;
 */
export type RegisteredTree = DocumentTree<RegisteredDocs>;

/**
 * True when an app registered its schema.
 *
 * @example
 * type Typed = IsRegistered; // true after `declare module 'yracer' { interface Register { schema: ... } }`
 */
export type IsRegistered = [RegisteredSchema] extends [never] ? false : true;

/**
 * The default of a hook's explicit type parameter (`useDoc<Todo>(...)`):
 * overloads that take a type argument accept no arguments without one, so
 * such calls reach the overloads typed by the registered schema. Never the
 * type of a real value.
 *
 * @example
 * declare function useValue<T = ExplicitType>(path: [T] extends [ExplicitType] ? never : string): T | undefined;
 */
export interface ExplicitType {
  readonly 'yracer:explicit type argument': never;
}
