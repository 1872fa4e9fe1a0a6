/**
 * `useDoc(collection, id)`: one document, subscribed while the component is mounted.
 */
import { use, useCallback, useMemo, useRef, useSyncExternalStore } from 'react';
import type { Model } from '../model/model.ts';
import type { RegisteredScope } from '../model/typed-model.ts';
import type { ExplicitType, RegisteredCollection, RegisteredDocs } from '../schema/register.ts';
import { listen, useProvidedModel } from './sync-context.ts';
import { whenDocLoaded } from './when-loaded.ts';

/** Options of `useDoc`. */
export interface UseDocOptions {
  /** Suspend (throw to the nearest `<Suspense>`) until the document is loaded, the first time. Default false. */
  readonly suspense?: boolean;
}

/** What the snapshot getter returns while the document is not loaded yet. */
const LOADING: unique symbol = Symbol('yracer:loading');

/**
 * A document's snapshot and a model scoped at it. The component subscribes to
 * the document while mounted (reference counted with every other user of it)
 * and re-renders only when that document changes. Until the document is
 * loaded the value is `undefined`, or, after switching to another id, still
 * the previous document's (no empty flash); with `{ suspense: true }` the
 * first load suspends instead.
 *
 * @example
 * const [todo, $todo] = useDoc<Todo>('todos', id);
 * return <input type="checkbox" checked={todo?.done ?? false} onChange={() => $todo.set('done', !todo?.done)} />;
 */
export function useDoc<T = ExplicitType>(collection: [T] extends [ExplicitType] ? never : string, id: string, options?: UseDocOptions): [T | undefined, Model];
/**
 * A document of a registered collection (`interface Register`), typed by the
 * schema; a collection the schema does not have is a compile error. Without a
 * registration any collection, and the document is `unknown`.
 *
 * @example
 * const [todo, $todo] = useDoc('todos', id); // todo: Todo | undefined
 */
export function useDoc<C extends RegisteredCollection>(collection: C, id: string, options?: UseDocOptions): [RegisteredDocs[C] | undefined, RegisteredScope<RegisteredDocs[C]>];
export function useDoc<T = unknown>(collection: string, id: string, options: UseDocOptions = {}): [T | undefined, Model | RegisteredScope<T>] {
  const model = useProvidedModel('useDoc', `${collection}.${id}`);
  const path = `${collection}.${id}`;
  const subscribe = useCallback(
    (onChange: () => void) => {
      const stop = listen(model, path, onChange);
      let active = true;
      model.subscribe(path).then(
        () => {
          if (active) onChange();
        },
        (error: unknown) => {
          if (active) console.error(`yracer useDoc(): subscribing to ${path} failed`, error);
        },
      );
      return () => {
        active = false;
        stop();
        void model.unsubscribe(path);
      };
    },
    [model, path],
  );
  // A document that has a value here (written by this model, or already loaded) is shown at once.
  const read = (): T | undefined | typeof LOADING => {
    const value = model.get<T>(path);
    return value !== undefined || model.isLoaded(path) ? value : LOADING;
  };
  const snapshot = useSyncExternalStore(subscribe, read, read);
  const $doc = useMemo(() => model.at(path), [model, path]);
  const shown = useRef<{ value: T | undefined } | null>(null);
  if (snapshot !== LOADING) shown.current = { value: snapshot };
  // On every render, not only while loading: React reports a use() that suspended and was not called again.
  if (options.suspense) use(whenDocLoaded(model, path, shown.current !== null));
  return [shown.current?.value, $doc];
}
