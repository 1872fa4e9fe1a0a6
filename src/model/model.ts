/**
 * The model: Racer's API over Yjs documents. Writes apply at once; events
 * follow synchronously. Paths given to methods are relative to the model's
 * scope (see `at`). A trailing function argument is the callback, called once
 * the write is stored (right away, on the next microtask, for a local model).
 * Bad input throws an `Error`, `TypeError` or `RangeError` naming the method,
 * path and reason, and changes nothing. In methods whose other arguments are
 * numbers (`increment`, `insert`, `remove`, `move`, `stringInsert`,
 * `stringRemove`), a subpath must be a string: a number there is an index or an
 * amount, never a path.
 */
import { insertValues, moveValues, removeEnd, removeValues } from './mutations/array-mutations.ts';
import { increment } from './mutations/counter-mutations.ts';
import { addDocument, createDocument, createNullDocument } from './mutations/document-mutations.ts';
import { ModelReactive } from './model-reactive.ts';
import type { Passed } from './events/model-event.ts';
import { splitPath, type Subpath } from './paths/path.ts';
import { setArrayDiff } from './mutations/set-array-diff.ts';
import { setDiffDeep } from './mutations/set-diff-deep.ts';
import { stringInsert, stringRemove } from './mutations/string-mutations.ts';
import { delValue, setDiff, setEach, setNull, setValue } from './mutations/value-mutations.ts';
import type { AddCallback, WriteCallback } from './mutations/write-scope.ts';
import { writePath, writeTarget } from './refs/ref-resolve.ts';
import { itemSet, listDel, listInsert, listMove, listRemove, listSet } from './refs/ref-list-writes.ts';

type Args = readonly unknown[];

function takeCallback(args: Args): [unknown[], WriteCallback | undefined] {
  const last = args[args.length - 1];
  return typeof last === 'function' ? [args.slice(0, -1), last as WriteCallback] : [[...args], undefined];
}

/** Splits `(subpath?, ...rest)` where a string (or an explicit undefined) first argument is the subpath. */
function takeSubpath(args: unknown[]): [Subpath | undefined, unknown[]] {
  if (typeof args[0] === 'string') return [args[0], args.slice(1)];
  if (args[0] === undefined && args.length > 1) return [undefined, args.slice(1)];
  return [undefined, args];
}

/** Checks the callback argument of a `(subpath, value, callback?)` method. */
function callbackArg(value: unknown): WriteCallback | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`yracer: the callback must be a function, got ${value === null ? 'null' : typeof value}`);
  }
  return value as WriteCallback | undefined;
}

/** A Racer-style model over Yjs documents; create one with `createModel()`. */
export class Model extends ModelReactive {
  protected derive(at: string, passed: Passed, muted: boolean): this {
    return new Model(this.store, at, passed, muted) as this;
  }

  /** The path a mutator writes at, through refs (a ref list's own path is refused). */
  #to(method: string, subpath?: Subpath): string {
    return writePath(this.store, method, this.path(subpath));
  }

  /** `set` and its variants: through refs; on a ref list's path, the list's ids become those of the items; on an item, an item with another id takes its place. */
  #setLike(method: string, args: Args, write: (path: string, value: unknown, callback?: WriteCallback) => unknown): unknown {
    const [path, value, callback] = this.#valueArgs(args);
    const target = writeTarget(this.store, method, path);
    if (target.list) return listSet(this, target.list, value, method, callback);
    return target.item ? itemSet(this, target.item, target.path, value, method, callback, write) : write(target.path, value, callback);
  }

  #valueArgs(args: Args): [string, unknown, WriteCallback | undefined] {
    if (args.length <= 1) return [this.path(), args[0], undefined];
    return [this.path(args[0] as Subpath | undefined), args[1], callbackArg(args[2])];
  }

  /**
   * `(value?)` on a model scoped at a document, else `(path, value?)`: a lone
   * string on a model that is not at a document is the document's path.
   */
  #createArgs(args: Args): [string, unknown, WriteCallback | undefined] {
    const [rest, callback] = takeCallback(args);
    if (rest.length >= 2) return [this.path(rest[0] as Subpath), rest[1], callback];
    if (typeof rest[0] === 'string' && splitPath(this.path()).length < 2) return [this.path(rest[0]), undefined, callback];
    return [this.path(), rest[0], callback];
  }

  /** Sets the value at a path and returns the previous value; `undefined` deletes. */
  set(value: unknown): unknown;
  set(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): unknown;
  set(...args: unknown[]): unknown {
    return this.#setLike('set', args, (path, value, callback) => setValue(this, path, value, callback));
  }

  /** Sets the value only when the current one is null or undefined; returns the value now there. */
  setNull(value: unknown): unknown;
  setNull(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): unknown;
  setNull(...args: unknown[]): unknown {
    const [path, value, callback] = this.#valueArgs(args);
    return setNull(this, writePath(this.store, 'setNull', path), value, callback);
  }

  /** Sets the value only when it is not deep-equal to the current one; returns the previous value. */
  setDiff(value: unknown): unknown;
  setDiff(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): unknown;
  setDiff(...args: unknown[]): unknown {
    return this.#setLike('setDiff', args, (path, value, callback) => setDiff(this, path, value, callback));
  }

  /** Deep-diffs the value into place, writing only what changed; returns the previous value. */
  setDiffDeep(value: unknown): unknown;
  setDiffDeep(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): unknown;
  setDiffDeep(...args: unknown[]): unknown {
    return this.#setLike('setDiffDeep', args, (path, value, callback) => setDiffDeep(this, path, value, callback));
  }

  /**
   * Turns the array at the path into `array` with the fewest removes, moves
   * and inserts it finds, comparing elements with `===` (an unchanged element
   * of a snapshot is the same frozen object in every read, so elements taken
   * from `get()` are recognised; copies are not). One transaction, one Yjs
   * update; elements left in place keep their Yjs items, so concurrent edits
   * inside them survive. Creates the array when missing; returns the previous value.
   *
   * @example
   * const [a, b, c] = model.get('todos.a.items');
   * model.setArrayDiff('todos.a.items', [c, a, b]); // one `move` event
   */
  setArrayDiff(array: readonly unknown[]): unknown;
  setArrayDiff(subpath: Subpath | undefined, array: readonly unknown[], callback?: WriteCallback): unknown;
  setArrayDiff(...args: unknown[]): unknown {
    return this.#setLike('setArrayDiff', args, (path, value, callback) => setArrayDiff(this, path, value, 'identity', callback));
  }

  /**
   * As `setArrayDiff`, comparing elements by deep equality, so copies and
   * values built anew match the elements they equal.
   *
   * @example
   * model.setArrayDiffDeep('todos.a.tags', ['x', 'new', 'y']); // one `insert` event
   */
  setArrayDiffDeep(array: readonly unknown[]): unknown;
  setArrayDiffDeep(subpath: Subpath | undefined, array: readonly unknown[], callback?: WriteCallback): unknown;
  setArrayDiffDeep(...args: unknown[]): unknown {
    return this.#setLike('setArrayDiffDeep', args, (path, value, callback) => setArrayDiff(this, path, value, 'deep', callback));
  }

  /** Sets each key of `object` below the path, in one transaction. */
  setEach(object: object): void;
  setEach(subpath: Subpath | undefined, object: object, callback?: WriteCallback): void;
  setEach(...args: unknown[]): void {
    const [path, value, callback] = this.#valueArgs(args);
    setEach(this, writePath(this.store, 'setEach', path), value, callback);
  }

  /**
   * Creates a document (`{}` by default); throws when it exists. Synced
   * documents get an `id` field. `model.create('todos.a')` and
   * `model.at('todos.a').create()` both create `{ id: 'a' }`.
   */
  create(value?: unknown, callback?: WriteCallback): void;
  create(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): void;
  create(...args: unknown[]): void {
    const [path, value, callback] = this.#createArgs(args);
    createDocument(this, writePath(this.store, 'create', path), value, callback);
  }

  /** Creates a document unless it exists. */
  createNull(value?: unknown, callback?: WriteCallback): void;
  createNull(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): void;
  createNull(...args: unknown[]): void {
    const [path, value, callback] = this.#createArgs(args);
    createNullDocument(this, writePath(this.store, 'createNull', path), value, callback);
  }

  /**
   * Adds a document to a collection and returns its id (`value.id` or a new
   * one); the callback gets the id as its second argument. In a local
   * collection the path may go deeper, as in Racer: the value (with its `id`)
   * is set at `path.<id>`.
   *
   * @example
   * const id = model.add('todos', { title: 'Milk', done: false });
   * model.add('_page.colors', { name: 'red' }); // _page.colors.<id> = { name: 'red', id }
   */
  add(value: object, callback?: AddCallback): string;
  add(path: string, value: object, callback?: AddCallback): string;
  add(...args: unknown[]): string {
    const [rest, callback] = takeCallback(args);
    const [path, value] = rest.length <= 1 ? [this.path(), rest[0]] : [this.path(rest[0] as Subpath), rest[1]];
    return addDocument(this, writePath(this.store, 'add', path), value, callback as AddCallback | undefined);
  }

  /** Deletes the value (a whole document, a key, or an array element) and returns it. */
  del(callback?: WriteCallback): unknown;
  del(subpath: Subpath, callback?: WriteCallback): unknown;
  del(...args: unknown[]): unknown {
    const [rest, callback] = takeCallback(args);
    const target = writeTarget(this.store, 'del', this.path(rest[0] as Subpath | undefined));
    return target.list ? listDel(this, target.list, callback) : delValue(this, target.path, callback);
  }

  /** Adds `by` (default 1) to a number and returns the new value; concurrent increments add up. */
  increment(by?: number, callback?: WriteCallback): number;
  increment(subpath: string, by?: number, callback?: WriteCallback): number;
  increment(...args: unknown[]): number {
    const [rest, callback] = takeCallback(args);
    const [subpath, [by = 1]] = takeSubpath(rest);
    return increment(this, this.#to('increment', subpath), by as number, callback);
  }

  /** Appends a value to an array (created when missing); returns the new length. */
  push(value: unknown): number;
  push(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): number;
  push(...args: unknown[]): number {
    return this.#insert('push', 'end', args);
  }

  /** Prepends a value to an array (created when missing); returns the new length. */
  unshift(value: unknown): number;
  unshift(subpath: Subpath | undefined, value: unknown, callback?: WriteCallback): number;
  unshift(...args: unknown[]): number {
    return this.#insert('unshift', 0, args);
  }

  /** Inserts values at an index of an array; returns the new length. */
  insert(index: number, ...values: unknown[]): number;
  insert(subpath: string, index: number, ...values: unknown[]): number;
  insert(...args: unknown[]): number {
    const [rest, callback] = takeCallback(args);
    const [subpath, [index, ...values]] = takeSubpath(rest);
    const target = writeTarget(this.store, 'insert', this.path(subpath));
    if (target.list) return listInsert(this, target.list, index as number, values, 'insert', callback);
    return insertValues(this, target.path, index as number, values, callback);
  }

  /** Removes the last element of an array and returns it. */
  pop(callback?: WriteCallback): unknown;
  pop(subpath: Subpath, callback?: WriteCallback): unknown;
  pop(...args: unknown[]): unknown {
    const [rest, callback] = takeCallback(args);
    return this.#removeEnd('pop', rest[0] as Subpath | undefined, callback);
  }

  /** Removes the first element of an array and returns it. */
  shift(callback?: WriteCallback): unknown;
  shift(subpath: Subpath, callback?: WriteCallback): unknown;
  shift(...args: unknown[]): unknown {
    const [rest, callback] = takeCallback(args);
    return this.#removeEnd('shift', rest[0] as Subpath | undefined, callback);
  }

  /**
   * Removes `howMany` (default 1) elements at an index and returns them. With
   * only a subpath, its last segment is the index (`remove('list.2')`).
   */
  remove(index?: number, howMany?: number, callback?: WriteCallback): unknown[];
  remove(subpath: string, index?: number, howMany?: number, callback?: WriteCallback): unknown[];
  remove(...args: unknown[]): unknown[] {
    const [rest, callback] = takeCallback(args);
    const [subpath, [index, howMany = 1]] = takeSubpath(rest);
    let path = this.path(subpath);
    let at = index;
    if (at === undefined) {
      const segments = splitPath(path);
      at = Number(segments.pop());
      path = segments.join('.');
    }
    const target = writeTarget(this.store, 'remove', path);
    if (target.list) return listRemove(this, target.list, at as number, howMany as number, callback);
    return removeValues(this, target.path, at as number, howMany as number, callback);
  }

  /** Moves `howMany` (default 1) elements from `from` so they start at `to`; returns them. Negative indices count from the end. */
  move(from: number, to: number, howMany?: number, callback?: WriteCallback): unknown[];
  move(subpath: string, from: number, to: number, howMany?: number, callback?: WriteCallback): unknown[];
  move(...args: unknown[]): unknown[] {
    const [rest, callback] = takeCallback(args);
    const [subpath, [from, to, howMany = 1]] = takeSubpath(rest);
    const target = writeTarget(this.store, 'move', this.path(subpath));
    if (target.list) return listMove(this, target.list, from as number, to as number, howMany as number, callback);
    return moveValues(this, target.path, from as number, to as number, howMany as number, callback);
  }

  /** Inserts text into a string at a character index; concurrent edits merge. */
  stringInsert(index: number, text: string, callback?: WriteCallback): void;
  stringInsert(subpath: string, index: number, text: string, callback?: WriteCallback): void;
  stringInsert(...args: unknown[]): void {
    const [rest, callback] = takeCallback(args);
    const [subpath, [index, text]] = takeSubpath(rest);
    stringInsert(this, this.#to('stringInsert', subpath), index as number, text as string, callback);
  }

  /** Removes `howMany` characters of a string at an index; concurrent edits merge. */
  stringRemove(index: number, howMany: number, callback?: WriteCallback): void;
  stringRemove(subpath: string, index: number, howMany: number, callback?: WriteCallback): void;
  stringRemove(...args: unknown[]): void {
    const [rest, callback] = takeCallback(args);
    const [subpath, [index, howMany]] = takeSubpath(rest);
    stringRemove(this, this.#to('stringRemove', subpath), index as number, howMany as number, callback);
  }

  #insert(method: 'push' | 'unshift', at: number | 'end', args: Args): number {
    const [path, value, callback] = this.#valueArgs(args);
    const target = writeTarget(this.store, method, path);
    if (target.list) return listInsert(this, target.list, at, [value], method, callback);
    return insertValues(this, target.path, at, [value], callback, method);
  }

  #removeEnd(end: 'pop' | 'shift', subpath: Subpath | undefined, callback: WriteCallback | undefined): unknown {
    const target = writeTarget(this.store, end, this.path(subpath));
    return target.list ? listRemove(this, target.list, end, 1, callback)[0] : removeEnd(this, target.path, end, callback);
  }
}
