/**
 * Racer's refs on the model: `ref`, `refList`, `removeRef`,
 * `removeAllRefs`, `dereference`. Reads and writes at a ref's path (or
 * below) go to its target; changes at the target are emitted at the ref's
 * path too. See docs/model.md, "Refs".
 */
import { ModelBase } from './model-base.ts';
import { ModelSync } from './model-sync.ts';
import type { Subpath } from './paths/path.ts';
import type { Query } from './queries/query.ts';
import { addRef, addRefList, dereference, removeAllRefs, removeRef, type RefListOptions, type RefOptions } from './refs/ref-methods.ts';

/** A ref target: a path relative to the model, or a scoped model (its absolute path). */
export type RefTarget = Subpath | ModelBase;

/** Something that makes a ref at a path itself, as Racer's queries and filters do (`query.ref(path)`). */
export interface Reffable {
  ref(path: string): unknown;
}

function isReffable(value: unknown): value is Reffable {
  return typeof value === 'object' && value !== null && !(value instanceof ModelBase) && typeof (value as Partial<Reffable>).ref === 'function';
}

/** `ModelSync` with refs; `ModelPromised` and `Model` build on it. */
export abstract class ModelRefs extends ModelSync {
  #target(method: string, to: RefTarget): string {
    if (to instanceof ModelBase) return to.path();
    if (typeof to !== 'string' && typeof to !== 'number') {
      throw new TypeError(`yracer ${method}(): a target must be a path or a scoped model, got ${to === null ? 'null' : typeof to}`);
    }
    return this.path(to);
  }

  /**
   * Makes `path` (under a local collection's document, as `_page.x`) an
   * alias of `to` (a path relative to this model, or a scoped model) and
   * returns a model scoped at `path`. Reads and writes at `path` or below
   * go to `to`; every change at `to` is also emitted at `path`. The target
   * need not exist (a document not loaded yet reads undefined, and its
   * `load` is emitted at `path` as a `change`). With `{ updateIndices: true }`
   * a ref to an array item follows the item when items are inserted,
   * removed or moved before it. A query (or anything else with a
   * `ref(path)` method, as Racer's filters) as `to` is `to.ref(path)`.
   * Refs onto themselves or in a cycle throw an `Error` naming the path.
   *
   * @example
   * const $todo = model.ref('_page.todo', 'todos.a');
   * $todo.set('done', true); // writes todos.a.done; listeners of _page.todo.done hear it too
   */
  ref(path: Subpath, to: RefTarget | Query<unknown> | Reffable, options?: RefOptions): this;
  /** `ref(to)`: this model's own path becomes the alias of `to`. */
  ref(to: RefTarget | Query<unknown> | Reffable): this;
  ref(pathOrTo: RefTarget | Reffable, to?: RefTarget | Reffable, options?: RefOptions): this {
    const [from, target] = to === undefined ? [this.path(), pathOrTo] : [this.path(pathOrTo as Subpath), to];
    if (isReffable(target)) target.ref(from);
    else addRef(this.store, from, this.#target('ref', target), options);
    return this.scope(from);
  }

  /**
   * Makes `path` the list of the items at `collection.<id>` for the ids in
   * the array at `ids` (paths relative to this model, or scoped models), and
   * returns a model scoped at `path`. `get(path)` is the array of items (a
   * missing one is undefined), `path.<i>` and below resolve to
   * `collection.<ids[i]>`. Writes on the list itself change the ids: `set`
   * to an array of items, `push`, `unshift`, `insert` (an item without an
   * `id` gets one and is added), `remove`, `pop`, `shift`, `move`, `del`.
   * With `{ deleteRemoved: true }` the items of removed ids are deleted.
   *
   * @example
   * model.set('_page.ids', ['a', 'b']);
   * const $list = model.refList('_page.list', 'todos', '_page.ids');
   * $list.push({ title: 'milk' }); // adds todos.<new id> and its id
   */
  refList(path: Subpath, collection: RefTarget, ids: RefTarget, options?: RefListOptions): this {
    const from = this.path(path);
    addRefList(this.store, from, this.#target('refList', collection), this.#target('refList', ids), options);
    return this.scope(from);
  }

  /** Removes the ref or ref list at `path` (this model's path when omitted); its path reads what is stored there again. Returns true when there was one. */
  removeRef(subpath?: Subpath): boolean {
    return removeRef(this.store, this.path(subpath));
  }

  /** Removes every ref and ref list at or below `subpath` (this model's path when omitted; all of them on the root model); returns how many. */
  removeAllRefs(subpath?: Subpath): number {
    return removeAllRefs(this.store, this.path(subpath));
  }

  /**
   * The path a path really names once every ref and ref list item on the way
   * is followed (`_page.todo.title` → `todos.a.title`); a ref list's own path
   * comes back as it is.
   */
  dereference(subpath?: Subpath): string {
    return dereference(this.store, this.path(subpath));
  }
}
