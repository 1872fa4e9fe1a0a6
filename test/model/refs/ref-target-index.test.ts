import { describe, expect, it } from 'vitest';
import { RefRegistry, type AnyRef, type RefEntry, type RefListEntry } from '../../../src/model/refs/ref-registry.ts';
import { RefTargetIndex } from '../../../src/model/refs/ref-target-index.ts';

function ref(from: string, to: string, updateIndices = false): RefEntry {
  return { kind: 'ref', from: from.split('.'), to: to.split('.'), updateIndices };
}

function list(from: string, to: string, ids: string): RefListEntry {
  return { kind: 'list', from: from.split('.'), to: to.split('.'), ids: ids.split('.'), deleteRemoved: false, cache: null, index: null };
}

const at = (path: string): string[] => path.split('.');
const froms = (entries: readonly AnyRef[]): string[] => entries.map((entry) => entry.from.join('.'));

describe('RefTargetIndex', () => {
  it('returns the entries listening at a path, above it and below it, in the order added, and no others', () => {
    const index = new RefTargetIndex<AnyRef>();
    const entries = [
      ref('_page.title', 'todos.a.title'),
      ref('_page.other', 'todos.b'),
      ref('_page.todo', 'todos.a'),
      ref('_page.all', 'todos'),
      ref('_page.tags', 'todos.a.tags.0'),
      ref('_page.users', 'users.a'),
      ref('_page.prefix', 'todos.ab'),
    ];
    for (const entry of entries) index.add(entry);
    expect(froms(index.related(at('todos.a')))).toEqual(['_page.title', '_page.todo', '_page.all', '_page.tags']);
    expect(froms(index.related(at('todos.a.title.x')))).toEqual(['_page.title', '_page.todo', '_page.all']);
    expect(froms(index.related(at('todos')))).toEqual(['_page.title', '_page.other', '_page.todo', '_page.all', '_page.tags', '_page.prefix']);
    expect(froms(index.related(at('users.b')))).toEqual([]);
    expect(froms(index.related([]))).toEqual(froms(entries));
  });

  it('keeps a ref list under its collection and its ids path, and returns it once', () => {
    const index = new RefTargetIndex<AnyRef>();
    const items = list('_page.list', 'todos', '_page.ids');
    index.add(ref('_page.first', '_page.ids.0'));
    index.add(items);
    expect(froms(index.related(at('todos.a.title')))).toEqual(['_page.list']);
    expect(froms(index.related(at('_page.ids.3')))).toEqual(['_page.list']);
    expect(froms(index.related(at('_page')))).toEqual(['_page.first', '_page.list']);
    expect(froms(index.related(at('_page.list')))).toEqual([]);
  });

  it('forgets a removed entry, and puts one added again after the others', () => {
    const index = new RefTargetIndex<AnyRef>();
    const [a, b, c] = [ref('_page.a', 'todos.a'), ref('_page.b', 'todos.a.title'), ref('_page.c', 'todos')];
    for (const entry of [a, b, c]) index.add(entry);
    expect(index.remove(b)).toBe(true);
    expect(index.remove(b)).toBe(false);
    expect(froms(index.related(at('todos.a.title')))).toEqual(['_page.a', '_page.c']);
    index.add(a);
    expect(froms(index.related(at('todos.a.title')))).toEqual(['_page.c', '_page.a']);
    expect(index.size).toBe(2);
  });

  it('moves an entry to another path, keeping its place in the order', () => {
    const index = new RefTargetIndex<AnyRef>();
    const [a, b] = [ref('_page.a', 'todos.a.tags.0'), ref('_page.b', 'todos.a.tags')];
    index.add(a);
    index.add(b);
    index.move(a, at('todos.a.tags.0'), at('todos.a.tags.2'));
    expect(froms(index.related(at('todos.a.tags.0')))).toEqual(['_page.b']);
    expect(froms(index.related(at('todos.a.tags.2')))).toEqual(['_page.a', '_page.b']);
  });
});

describe('RefRegistry', () => {
  it('relates the entries it holds, in the order entries() has them, through add, replace, remove and removeAll', () => {
    const registry = new RefRegistry();
    registry.add(ref('_page.a', 'todos.a'));
    registry.add(list('_page.l', 'todos', '_page.ids'));
    registry.add(ref('_page.sub.b', 'todos.a.title'));
    registry.add(ref('_page.sub.c', 'todos.b'));
    registry.add(ref('_page.a', 'todos.a.done')); // replaces the first, and goes last
    const related = (path: string): string[] => froms(registry.related(at(path)));
    expect(related('todos.a')).toEqual(['_page.l', '_page.sub.b', '_page.a']);
    expect(related('todos')).toEqual(froms(registry.entries()));
    registry.remove(at('_page.l'));
    expect(related('todos.a')).toEqual(['_page.sub.b', '_page.a']);
    expect(related('_page.ids')).toEqual([]);
    registry.removeAll(at('_page.sub'));
    expect(related('todos')).toEqual(['_page.a']);
    registry.removeAll([]);
    expect(related('todos')).toEqual([]);
  });

  it('retarget points a ref elsewhere and moves it in the index', () => {
    const registry = new RefRegistry();
    const entry = ref('_page.tag', 'todos.a.tags.1', true);
    registry.add(entry);
    registry.retarget(entry, at('todos.a.tags.3'));
    expect(entry.to).toEqual(at('todos.a.tags.3'));
    expect(froms(registry.related(at('todos.a.tags.1')))).toEqual([]);
    expect(froms(registry.related(at('todos.a.tags.3')))).toEqual(['_page.tag']);
    expect(registry.resolve(at('_page.tag'), () => undefined)).toEqual({ kind: 'path', segments: at('todos.a.tags.3') });
  });
});
