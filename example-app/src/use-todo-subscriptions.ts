/**
 * Keeps every todo of the list subscribed while the app is mounted. Queries
 * see loaded documents only, so the filter and the counter need all of them,
 * not just the rows on screen. Subscriptions are reference counted: this
 * subscribes the ids that joined, unsubscribes the ones that left, and
 * releases the rest on unmount (StrictMode's extra unmount and mount
 * included).
 */
import { useEffect, useRef } from 'react';
import { useModel } from 'yracer/react';
import { todoPath } from './todo.ts';

export function useTodoSubscriptions(ids: readonly string[]): void {
  const model = useModel();
  const held = useRef<ReadonlySet<string>>(new Set());

  useEffect(() => {
    const next = new Set(ids);
    const joined = ids.filter((id) => !held.current.has(id));
    const left = [...held.current].filter((id) => !next.has(id));
    held.current = next;
    if (joined.length > 0) void model.subscribe(joined.map(todoPath));
    if (left.length > 0) void model.unsubscribe(left.map(todoPath));
  }, [model, ids]);

  useEffect(
    () => () => {
      const all = [...held.current];
      held.current = new Set();
      if (all.length > 0) void model.unsubscribe(all.map(todoPath));
    },
    [model],
  );
}
