/**
 * Racer 2's `*Promised` method names: each takes the arguments of its method
 * without the callback and returns a promise that resolves when the callback
 * would be called (once the write is stored: by the server when synced, on a
 * microtask for a local model) and rejects with the callback's error (a
 * refused write) or with the error bad input throws. Methods that already
 * return promises (`subscribe`, `fetch`, ...) have their `*Promised` name as
 * an alias. `Model` implements the mutators these call.
 */
import type { HoldItem } from './documents/hold-items.ts';
import { ModelRefs } from './model-refs.ts';
import type { ModelBundle } from './model-bundle.ts';
import type { Subpath } from './paths/path.ts';

/** The mutators `*Promised` calls, each with a trailing callback. */
type WriteMethod =
  | 'set' | 'setNull' | 'setDiff' | 'setDiffDeep' | 'setArrayDiff' | 'setArrayDiffDeep' | 'setEach' | 'create' | 'createNull' | 'add' | 'del' | 'increment'
  | 'push' | 'unshift' | 'insert' | 'pop' | 'shift' | 'remove' | 'move' | 'stringInsert' | 'stringRemove';

/** `(value)` or `(subpath, value)`: the form of `set` that takes a callback. */
function withSubpath(args: readonly unknown[]): unknown[] {
  return args.length === 1 ? [undefined, args[0]] : [...args];
}

/** `ModelBase` (with refs) with Racer's `*Promised` names; `Model` adds the mutators. */
export abstract class ModelPromised extends ModelRefs {
  /** @internal A mutator with a trailing callback, implemented by `Model`. */
  abstract set(...args: unknown[]): unknown;
  /** @internal */ abstract setNull(...args: unknown[]): unknown;
  /** @internal */ abstract setDiff(...args: unknown[]): unknown;
  /** @internal */ abstract setDiffDeep(...args: unknown[]): unknown;
  /** @internal */ abstract setArrayDiff(...args: unknown[]): unknown;
  /** @internal */ abstract setArrayDiffDeep(...args: unknown[]): unknown;
  /** @internal */ abstract setEach(...args: unknown[]): void;
  /** @internal */ abstract create(...args: unknown[]): void;
  /** @internal */ abstract createNull(...args: unknown[]): void;
  /** @internal */ abstract add(...args: unknown[]): string;
  /** @internal */ abstract del(...args: unknown[]): unknown;
  /** @internal */ abstract increment(...args: unknown[]): number;
  /** @internal */ abstract push(...args: unknown[]): number;
  /** @internal */ abstract unshift(...args: unknown[]): number;
  /** @internal */ abstract insert(...args: unknown[]): number;
  /** @internal */ abstract pop(...args: unknown[]): unknown;
  /** @internal */ abstract shift(...args: unknown[]): unknown;
  /** @internal */ abstract remove(...args: unknown[]): unknown[];
  /** @internal */ abstract move(...args: unknown[]): unknown[];
  /** @internal */ abstract stringInsert(...args: unknown[]): void;
  /** @internal */ abstract stringRemove(...args: unknown[]): void;

  /** Calls `method(...args, callback)`; settles with the callback (a throw rejects). */
  #promised<T = void>(method: WriteMethod, args: readonly unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this[method](...args, (error: Error | undefined, value: T) => (error ? reject(error) : resolve(value)));
    });
  }

  /** `set`; resolves once the write is stored. */
  setPromised(value: unknown): Promise<void>;
  setPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  setPromised(...args: unknown[]): Promise<void> {
    return this.#promised('set', withSubpath(args));
  }

  /** `setNull`; resolves once the write is stored (at once when nothing is written). */
  setNullPromised(value: unknown): Promise<void>;
  setNullPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  setNullPromised(...args: unknown[]): Promise<void> {
    return this.#promised('setNull', withSubpath(args));
  }

  /** `setDiff`; resolves once the write is stored. */
  setDiffPromised(value: unknown): Promise<void>;
  setDiffPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  setDiffPromised(...args: unknown[]): Promise<void> {
    return this.#promised('setDiff', withSubpath(args));
  }

  /** `setArrayDiff`; resolves once the write is stored. */
  setArrayDiffPromised(array: readonly unknown[]): Promise<void>;
  setArrayDiffPromised(subpath: Subpath | undefined, array: readonly unknown[]): Promise<void>;
  setArrayDiffPromised(...args: unknown[]): Promise<void> {
    return this.#promised('setArrayDiff', withSubpath(args));
  }

  /** `setArrayDiffDeep`; resolves once the write is stored. */
  setArrayDiffDeepPromised(array: readonly unknown[]): Promise<void>;
  setArrayDiffDeepPromised(subpath: Subpath | undefined, array: readonly unknown[]): Promise<void>;
  setArrayDiffDeepPromised(...args: unknown[]): Promise<void> {
    return this.#promised('setArrayDiffDeep', withSubpath(args));
  }

  /** `setDiffDeep`; resolves once the write is stored. */
  setDiffDeepPromised(value: unknown): Promise<void>;
  setDiffDeepPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  setDiffDeepPromised(...args: unknown[]): Promise<void> {
    return this.#promised('setDiffDeep', withSubpath(args));
  }

  /** `setEach`; resolves once the write is stored. */
  setEachPromised(object: object): Promise<void>;
  setEachPromised(subpath: Subpath | undefined, object: object): Promise<void>;
  setEachPromised(...args: unknown[]): Promise<void> {
    return this.#promised('setEach', withSubpath(args));
  }

  /** `create`; resolves once the document is stored. */
  createPromised(value?: unknown): Promise<void>;
  createPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  createPromised(...args: unknown[]): Promise<void> {
    return this.#promised('create', args);
  }

  /** `createNull`; resolves once the document is stored (at once when it existed). */
  createNullPromised(value?: unknown): Promise<void>;
  createNullPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  createNullPromised(...args: unknown[]): Promise<void> {
    return this.#promised('createNull', args);
  }

  /**
   * `add`; resolves with the id once the value is stored.
   *
   * @example
   * const id = await model.addPromised('todos', { title: 'Milk' });
   */
  addPromised(value: object): Promise<string>;
  addPromised(path: string, value: object): Promise<string>;
  addPromised(...args: unknown[]): Promise<string> {
    return this.#promised<string>('add', args);
  }

  /** `del`; resolves once the deletion is stored. */
  delPromised(subpath?: Subpath): Promise<void> {
    return this.#promised('del', [subpath]);
  }

  /** `increment`; resolves once the write is stored. */
  incrementPromised(by?: number): Promise<void>;
  incrementPromised(subpath: string, by?: number): Promise<void>;
  incrementPromised(...args: unknown[]): Promise<void> {
    return this.#promised('increment', args);
  }

  /** `push`; resolves once the write is stored. */
  pushPromised(value: unknown): Promise<void>;
  pushPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  pushPromised(...args: unknown[]): Promise<void> {
    return this.#promised('push', withSubpath(args));
  }

  /** `unshift`; resolves once the write is stored. */
  unshiftPromised(value: unknown): Promise<void>;
  unshiftPromised(subpath: Subpath | undefined, value: unknown): Promise<void>;
  unshiftPromised(...args: unknown[]): Promise<void> {
    return this.#promised('unshift', withSubpath(args));
  }

  /** `insert`; resolves once the write is stored. */
  insertPromised(index: number, ...values: unknown[]): Promise<void>;
  insertPromised(subpath: string, index: number, ...values: unknown[]): Promise<void>;
  insertPromised(...args: unknown[]): Promise<void> {
    return this.#promised('insert', args);
  }

  /** `pop`; resolves once the write is stored. */
  popPromised(subpath?: Subpath): Promise<void> {
    return this.#promised('pop', [subpath]);
  }

  /** `shift`; resolves once the write is stored. */
  shiftPromised(subpath?: Subpath): Promise<void> {
    return this.#promised('shift', [subpath]);
  }

  /** `remove`; resolves once the write is stored. */
  removePromised(index?: number, howMany?: number): Promise<void>;
  removePromised(subpath: string, index?: number, howMany?: number): Promise<void>;
  removePromised(...args: unknown[]): Promise<void> {
    return this.#promised('remove', args);
  }

  /** `move`; resolves once the write is stored. */
  movePromised(from: number, to: number, howMany?: number): Promise<void>;
  movePromised(subpath: string, from: number, to: number, howMany?: number): Promise<void>;
  movePromised(...args: unknown[]): Promise<void> {
    return this.#promised('move', args);
  }

  /** `stringInsert`; resolves once the write is stored. */
  stringInsertPromised(index: number, text: string): Promise<void>;
  stringInsertPromised(subpath: string, index: number, text: string): Promise<void>;
  stringInsertPromised(...args: unknown[]): Promise<void> {
    return this.#promised('stringInsert', args);
  }

  /** `stringRemove`; resolves once the write is stored. */
  stringRemovePromised(index: number, howMany: number): Promise<void>;
  stringRemovePromised(subpath: string, index: number, howMany: number): Promise<void>;
  stringRemovePromised(...args: unknown[]): Promise<void> {
    return this.#promised('stringRemove', args);
  }

  /** Racer's name for `subscribe`, which already returns a promise: an alias. */
  subscribePromised(...items: HoldItem[]): Promise<void> {
    return this.subscribe(...items);
  }

  /** Racer's name for `fetch`, which already returns a promise: an alias. */
  fetchPromised(...items: HoldItem[]): Promise<void> {
    return this.fetch(...items);
  }

  /** Racer's name for `unsubscribe`, which already returns a promise: an alias. */
  unsubscribePromised(...items: HoldItem[]): Promise<void> {
    return this.unsubscribe(...items);
  }

  /** Racer's name for `unfetch`, which already returns a promise: an alias. */
  unfetchPromised(...items: HoldItem[]): Promise<void> {
    return this.unfetch(...items);
  }

  /** Racer's name for `whenNothingPending`, which already returns a promise: an alias. */
  whenNothingPendingPromised(): Promise<void> {
    return this.whenNothingPending();
  }

  /** Racer's name for `bundle`, which already returns a promise: an alias. */
  bundlePromised(): Promise<ModelBundle> {
    return this.bundle();
  }

  /**
   * Racer's clean close: waits until the server stored every local change,
   * then closes (`close()` closes at once). It closes also when a write was
   * refused, and then rejects with that write's error.
   */
  async closePromised(): Promise<void> {
    try {
      await this.whenNothingPending();
    } finally {
      this.close();
    }
  }
}
