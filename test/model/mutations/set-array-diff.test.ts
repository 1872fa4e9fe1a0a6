import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';
import { applyEvents, type Tree } from '../../helpers/apply-event.ts';
import { recordedModel, syncBoth, syncedPeers } from '../../helpers/model-fixtures.ts';
import { Random } from '../../helpers/random.ts';

const DOC = 'todos.a';
const LIST = 'todos.a.list';
const local = { passed: {}, remote: false } as const;
const inserted = (index: number, values: unknown[]): ModelEvent => ({ type: 'insert', path: LIST, index, values, ...local });
const removed = (index: number, values: unknown[]): ModelEvent => ({ type: 'remove', path: LIST, index, removed: values, ...local });
const moved = (from: number, to: number, howMany: number): ModelEvent => ({ type: 'move', path: LIST, from, to, howMany, ...local });

interface Live {
  readonly writer: Model;
  readonly reader: Model;
  readonly local: ModelEvent[];
  readonly remote: ModelEvent[];
  readonly updates: Uint8Array[];
}

/** A writer holding `todos.a` whose every update is applied at once to a reader; events and updates recorded from now on. */
function livePair(doc: Record<string, unknown>): Live {
  const writer = createModel();
  const reader = createModel();
  const updates: Uint8Array[] = [];
  writer.yDoc(DOC).on('update', (update: Uint8Array) => {
    updates.push(update);
    Y.applyUpdate(reader.yDoc(DOC), update);
  });
  writer.set(DOC, doc);
  updates.length = 0;
  const events = { local: [] as ModelEvent[], remote: [] as ModelEvent[] };
  writer.on('all', (event) => void events.local.push(event));
  reader.on('all', (event) => void events.remote.push(event));
  return { writer, reader, updates, ...events };
}

describe('setArrayDiff', () => {
  it('inserts in the middle with one insert event and returns the previous array', () => {
    const { model, events } = recordedModel({ list: ['a', 'd'] });
    expect(model.setArrayDiff(LIST, ['a', 'b', 'c', 'd'])).toEqual(['a', 'd']);
    expect(model.get(LIST)).toEqual(['a', 'b', 'c', 'd']);
    expect(events).toStrictEqual([inserted(1, ['b', 'c'])]);
  });

  it('removes with remove events', () => {
    const { model, events } = recordedModel({ list: [1, 2, 3, 4, 5] });
    model.setArrayDiff(LIST, [1, 4]);
    expect(model.get(LIST)).toEqual([1, 4]);
    expect(events).toStrictEqual([removed(1, [2, 3]), removed(2, [5])]);
  });

  it('reports a reorder of snapshot elements as one move, keeping their identity', () => {
    const { model, events } = recordedModel({ list: [{ k: 1 }, { k: 2 }, { k: 3 }] });
    const [a, b, c] = model.get<unknown[]>(LIST) ?? [];
    model.setArrayDiff(LIST, [b, c, a]);
    expect(events).toStrictEqual([moved(0, 2, 1)]);
    const after = model.get<unknown[]>(LIST) ?? [];
    expect(after).toEqual([{ k: 2 }, { k: 3 }, { k: 1 }]);
    expect(after[0]).toBe(b);
    expect(after[1]).toBe(c);
  });

  it('treats a copy as a new element, where setArrayDiffDeep keeps it', () => {
    const { model, events } = recordedModel({ list: [{ k: 1 }, { k: 2 }] });
    const before = model.get<unknown[]>(LIST) ?? [];
    model.setArrayDiff(LIST, [{ k: 1 }, { k: 2 }]);
    // Both elements written anew in place: reported, as for any element replaced in place, as changes.
    expect(events.map((e) => `${e.type} ${e.path}`)).toEqual([`change ${LIST}.0`, `change ${LIST}.1`]);
    expect(model.get<unknown[]>(LIST)?.[0]).not.toBe(before[0]);
    events.length = 0;
    const kept = model.get<unknown[]>(LIST) ?? [];
    model.setArrayDiffDeep(LIST, [{ k: 1 }, { k: 3 }, { k: 2 }]);
    expect(events).toStrictEqual([inserted(1, [{ k: 3 }])]);
    expect(model.get<unknown[]>(LIST)?.[0]).toBe(kept[0]);
    expect(model.get<unknown[]>(LIST)?.[2]).toBe(kept[1]);
  });

  it('mixes removes, moves and inserts in one transaction whose events lead to the target', () => {
    const { model, events } = recordedModel({ list: ['a', 'b', 'c', 'd', 'e'] });
    const start = model.get<Tree>() as Tree;
    let transactions = 0;
    model.yDoc(DOC).on('afterTransaction', () => transactions++);
    model.setArrayDiffDeep(LIST, ['e', 'x', 'a', 'c', 'y', 'b']);
    expect(transactions).toBe(1);
    expect(model.get(LIST)).toEqual(['e', 'x', 'a', 'c', 'y', 'b']);
    expect(events.every((e) => e.type === 'insert' || e.type === 'remove')).toBe(true);
    expect(applyEvents(start, events)).toEqual(model.get());
  });

  it('writes nothing and calls back when nothing changes', async () => {
    const { model, events } = recordedModel({ list: [{ k: 1 }] });
    let transactions = 0;
    model.yDoc(DOC).on('afterTransaction', () => transactions++);
    await new Promise<void>((resolve, reject) => {
      model.setArrayDiffDeep(LIST, [{ k: 1 }], (error) => (error ? reject(error) : resolve()));
    });
    expect(transactions).toBe(0);
    expect(events).toEqual([]);
  });

  it('creates a missing array, also an empty one', () => {
    const { model } = recordedModel({});
    expect(model.setArrayDiff(LIST, [1, 2])).toBeUndefined();
    expect(model.get(LIST)).toEqual([1, 2]);
    model.setArrayDiff('todos.a.empty', []);
    expect(model.get('todos.a.empty')).toEqual([]);
    model.at(LIST).setArrayDiffDeep([2]);
    expect(model.get(LIST)).toEqual([2]);
    model.set('_page.list', [{ k: 1 }, { k: 2 }]);
    const [one, two] = model.get<unknown[]>('_page.list') ?? [];
    model.setArrayDiff('_page.list', [two, one]);
    expect(model.get<unknown[]>('_page.list')?.[0]).toBe(two);
  });

  it('throws a TypeError when something else is in the way or the value is not an array', () => {
    const { model } = recordedModel({ title: 'Milk', list: [] });
    expect(() => model.setArrayDiff('todos.a.title', ['x'])).toThrow(/setArrayDiff\('todos.a.title'\): .*not an array/);
    expect(() => model.setArrayDiffDeep(LIST, 'x' as unknown as unknown[])).toThrow(TypeError);
    expect(() => model.setArrayDiff('todos.a', [])).toThrow(TypeError);
    expect(() => model.setArrayDiffDeep(LIST, [() => 1])).toThrow(TypeError);
    expect(model.get(DOC)).toEqual({ title: 'Milk', list: [] });
  });

  it('keeps the Yjs items of unchanged elements, so a concurrent edit inside one survives', () => {
    const [x, y] = syncedPeers({ list: [{ k: 1, n: 'a' }, { k: 2, n: 'b' }, { k: 3, n: 'c' }] });
    const kept = x.yDoc(DOC).getMap('data').get('list') as Y.Array<Y.Map<unknown>>;
    const second = kept.get(1);
    const [a, b] = x.get<unknown[]>(LIST) ?? [];
    x.setArrayDiff(LIST, [{ k: 0 }, a, b]);
    expect(kept.get(2)).toBe(second);
    y.set('todos.a.list.1.n', 'edited');
    syncBoth(x, y);
    const expected = [{ k: 0 }, { k: 1, n: 'a' }, { k: 2, n: 'edited' }];
    expect(x.get(LIST)).toEqual(expected);
    expect(y.get(LIST)).toEqual(expected);
  });

  it('loses such a concurrent edit when the array is rewritten with set (the contrast)', () => {
    const [x, y] = syncedPeers({ list: [{ k: 1, n: 'a' }, { k: 2, n: 'b' }] });
    const [a, b] = x.get<unknown[]>(LIST) ?? [];
    x.set(LIST, [{ k: 0 }, a, b]);
    y.set('todos.a.list.1.n', 'edited');
    syncBoth(x, y);
    expect(x.get(LIST)).toEqual([{ k: 0 }, { k: 1, n: 'a' }, { k: 2, n: 'b' }]);
  });

  it('keeps texts and counters of moved elements', () => {
    const { model } = recordedModel({ list: [{ t: 'ab', c: 1 }, { k: 2 }] });
    model.stringInsert('todos.a.list.0.t', 2, 'c');
    model.increment('todos.a.list.0.c', 1);
    const [first, second] = model.get<unknown[]>(LIST) ?? [];
    model.setArrayDiff(LIST, [second, first]);
    expect(model.get(LIST)).toEqual([{ k: 2 }, { t: 'abc', c: 2 }]);
    model.stringInsert('todos.a.list.1.t', 0, '>');
    model.increment('todos.a.list.1.c', 5);
    const moved = (model.yDoc(DOC).getMap('data').get('list') as Y.Array<Y.Map<unknown>>).get(1);
    expect(moved.get('t')).toBeInstanceOf(Y.Text);
    expect(model.get('todos.a.list.1')).toEqual({ t: '>abc', c: 7 });
  });

  it('sends one update from which a peer derives the same events and value', () => {
    const { writer, reader, local: mine, remote, updates } = livePair({ list: [{ k: 1 }, { k: 2 }, { k: 3 }, { k: 4 }] });
    writer.setArrayDiffDeep(LIST, [{ k: 4 }, { k: 2 }, { k: 9 }, { k: 1 }]);
    expect(updates).toHaveLength(1);
    expect(reader.get(LIST)).toEqual(writer.get(LIST));
    expect(remote).toStrictEqual(mine.map((event) => ({ ...event, remote: true })));
  });

  it('gives the target for random arrays with both methods, locally and on a peer', () => {
    const random = new Random(7261);
    for (let round = 0; round < 300; round++) {
      const deep = round % 2 === 1;
      const item = (): unknown => (random.chance(0.5) ? random.int(6) : { k: random.int(6) });
      const { writer, reader, local: mine, remote, updates } = livePair({ list: Array.from({ length: random.int(10) }, item) });
      const start = writer.get<Tree>() as Tree;
      const current = writer.get<unknown[]>(LIST) ?? [];
      // Reuse snapshot elements (so identity finds them) and add fresh ones.
      const pool = [...current, ...Array.from({ length: 3 }, item)];
      const target = Array.from({ length: random.int(10) }, () => random.pick(pool));
      if (deep) writer.setArrayDiffDeep(LIST, target);
      else writer.setArrayDiff(LIST, target);
      expect(isDeepStrictEqual(writer.get(LIST), target)).toBe(true);
      expect(reader.get(LIST)).toEqual(target);
      expect(updates.length).toBeLessThanOrEqual(1);
      expect(applyEvents(start, mine)).toEqual(writer.get());
      expect(remote).toStrictEqual(mine.map((event) => ({ ...event, remote: true })));
    }
  });
});
