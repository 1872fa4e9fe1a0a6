import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';
import { applyEvents } from '../../helpers/apply-event.ts';

function peers(list: unknown[]): [Model, Model] {
  const a = createModel();
  const b = createModel();
  a.set('todos.a', { list });
  Y.applyUpdate(b.yDoc('todos.a'), Y.encodeStateAsUpdate(a.yDoc('todos.a')));
  return [a, b];
}

/** Applies everything `from` has that `to` lacks as one update, returning `to`'s events. */
function deliver(from: Model, to: Model): ModelEvent[] {
  const events: ModelEvent[] = [];
  const listener = to.on('all', (event) => events.push(event));
  const target = to.yDoc('todos.a');
  Y.applyUpdate(target, Y.encodeStateAsUpdate(from.yDoc('todos.a'), Y.encodeStateVector(target)));
  to.removeListener(listener);
  return events;
}

describe('arrayChanges', () => {
  it('orders a removal and an insertion separated only by a tombstone as they are in the list', () => {
    const [a, b] = peers(['a', 'b', 'c']);
    a.remove('todos.a.list', 1);
    b.insert('todos.a.list', 2, 'X');
    b.remove('todos.a.list', 0);
    const before = a.get();
    const events = deliver(b, a);
    expect(a.get('todos.a.list')).toEqual(['X', 'c']);
    expect(applyEvents(before as never, events)).toEqual(a.get());
  });

  it('reports changes next to long runs of tombstones correctly at both ends', () => {
    const [a, b] = peers(['s', ...Array.from({ length: 50 }, (_, i) => i), 'e']);
    a.remove('todos.a.list', 1, 50);
    Y.applyUpdate(b.yDoc('todos.a'), Y.encodeStateAsUpdate(a.yDoc('todos.a')));
    const before = b.get();
    const events: ModelEvent[] = [];
    b.on('all', (event) => events.push(event));
    b.push('todos.a.list', 'p');
    b.unshift('todos.a.list', 'u');
    b.insert('todos.a.list', 2, 'm');
    b.remove('todos.a.list', 3);
    expect(b.get('todos.a.list')).toEqual(['u', 's', 'm', 'p']);
    expect(applyEvents(before as never, events)).toEqual(b.get());
  });

  it('emits the same operations for more than 64 touched items (one walk over the array)', () => {
    const [a, b] = peers(Array.from({ length: 100 }, (_, i) => i));
    for (let i = 0; i < 80; i++) a.insert('todos.a.list', (i * 7) % (100 + i), `n${i}`);
    a.remove('todos.a.list', 10, 30);
    const before = b.get();
    const events = deliver(a, b);
    expect(b.get()).toEqual(a.get());
    expect(applyEvents(before as never, events)).toEqual(b.get());
  });
});
