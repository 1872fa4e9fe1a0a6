import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';

/** Records every event heard at a pattern as [type, path, value-ish]. */
function hear(model: Model, pattern: string): ModelEvent[] {
  const heard: ModelEvent[] = [];
  model.on('all', pattern, (event) => heard.push(event));
  return heard;
}

function todoModel(): Model {
  const model = createModel();
  model.set('todos.a', { title: 'Milk', done: false, tags: ['x'] });
  return model;
}

describe('ref', () => {
  it('reads the target at the ref path and below, and returns a model scoped at the path', () => {
    const model = todoModel();
    const $todo = model.ref('_page.todo', 'todos.a');
    expect($todo.path()).toBe('_page.todo');
    expect(model.get('_page.todo')).toBe(model.get('todos.a'));
    expect(model.get('_page.todo.title')).toBe('Milk');
    expect($todo.get('tags.length')).toBe(1);
    expect(model.getCopy('_page.todo')).toEqual({ title: 'Milk', done: false, tags: ['x'] });
    expect(model.getDeepCopy('_page.todo.tags')).toEqual(['x']);
    expect(model.getOrDefault('_page.todo.missing', 3)).toBe(3);
  });

  it('writes every kind of mutation through to the target', () => {
    const model = todoModel();
    const $todo = model.ref('_page.todo', 'todos.a');
    $todo.set('title', 'Eggs');
    $todo.setNull('note', 'n');
    $todo.setEach({ done: true, count: 1 });
    $todo.setDiff('count', 1);
    $todo.increment('count', 2);
    $todo.push('tags', 'y');
    $todo.unshift('tags', 'w');
    $todo.insert('tags', 1, 'v');
    $todo.move('tags', 0, 3);
    expect($todo.pop('tags')).toBe('w');
    expect($todo.shift('tags')).toBe('v');
    $todo.remove('tags', 0, 1);
    $todo.stringInsert('title', 0, '>');
    $todo.stringRemove('title', 0, 1);
    $todo.setArrayDiff('tags', ['y', 'z']);
    $todo.del('note');
    expect(model.get('todos.a')).toEqual({ title: 'Eggs', done: true, count: 3, tags: ['y', 'z'] });
    expect(model.get('_page')).toBeUndefined(); // nothing was written at the ref's own path
  });

  it('emits a change at the target on the ref path too, and a write through the ref at the target', () => {
    const model = todoModel();
    model.ref('_page.todo', 'todos.a');
    const atRef = hear(model, '_page.todo.title');
    const atTarget = hear(model, 'todos.a.title');
    model.set('todos.a.title', 'Eggs');
    model.set('_page.todo.title', 'Ham');
    expect(atRef.map((e) => [e.type, e.path, (e as { value: unknown }).value])).toEqual([
      ['change', '_page.todo.title', 'Eggs'],
      ['change', '_page.todo.title', 'Ham'],
    ]);
    expect(atTarget.map((e) => e.path)).toEqual(['todos.a.title', 'todos.a.title']);
  });

  it('emits array events at the ref path with the same indices', () => {
    const model = todoModel();
    model.ref('_page.tags', 'todos.a.tags');
    const heard = hear(model, '_page.tags');
    model.push('todos.a.tags', 'y');
    model.move('_page.tags', 0, 1);
    model.remove('_page.tags', 0);
    expect(heard.map((e) => e.type)).toEqual(['insert', 'move', 'remove']);
    expect(heard[0]).toMatchObject({ type: 'insert', path: '_page.tags', index: 1, values: ['y'] });
    expect(model.get('todos.a.tags')).toEqual(['x']);
  });

  it('emits a change at the ref path when something above the target is replaced', () => {
    const model = todoModel();
    model.ref('_page.title', 'todos.a.title');
    const heard = hear(model, '_page.title');
    model.set('todos.a', { title: 'New' });
    model.del('todos.a');
    expect(heard.map((e) => [e.type, (e as { value: unknown }).value, (e as { previous: unknown }).previous])).toEqual([
      ['change', 'New', 'Milk'],
      ['change', undefined, 'New'],
    ]);
  });

  it('resolves a target that does not exist yet once it is written, with an event at the ref path', () => {
    const model = createModel();
    model.ref('_page.todo', 'todos.later');
    expect(model.get('_page.todo')).toBeUndefined();
    const heard = hear(model, '_page.todo.**');
    model.set('todos.later', { title: 'x' });
    expect(model.get('_page.todo.title')).toBe('x');
    expect(heard.length).toBeGreaterThan(0);
    expect(heard[0]).toMatchObject({ type: 'change', path: '_page.todo' });
  });

  it('emits a change at the ref path when the ref is made and when it is removed', () => {
    const model = todoModel();
    const heard = hear(model, '_page.todo');
    model.ref('_page.todo', 'todos.a');
    expect(model.removeRef('_page.todo')).toBe(true);
    expect(model.removeRef('_page.todo')).toBe(false);
    expect(heard.map((e) => [(e as { value: unknown }).value === undefined, (e as { previous: unknown }).previous === undefined])).toEqual([
      [false, true],
      [true, false],
    ]);
    expect(model.get('_page.todo')).toBeUndefined();
  });

  it('follows refs to refs, and dereference gives the final path', () => {
    const model = todoModel();
    model.ref('_page.todo', 'todos.a');
    model.ref('_page.title', '_page.todo.title');
    expect(model.get('_page.title')).toBe('Milk');
    expect(model.dereference('_page.title')).toBe('todos.a.title');
    expect(model.at('_page.todo').dereference('tags.0')).toBe('todos.a.tags.0');
    const heard = hear(model, '_page.title');
    model.set('todos.a.title', 'Eggs');
    expect(heard.map((e) => e.path)).toEqual(['_page.title']);
    model.set('_page.title', 'Ham');
    expect(model.get('todos.a.title')).toBe('Ham');
  });

  it('takes a scoped model as the target, and ref(to) makes this model the alias', () => {
    const model = todoModel();
    model.ref('_page.todo', model.at('todos.a'));
    expect(model.get('_page.todo.title')).toBe('Milk');
    model.at('_page.other').ref(model.at('todos.a.title')); // a string would be relative to _page.other, as in Racer
    expect(model.get('_page.other')).toBe('Milk');
  });

  it('hands the path to a target that makes refs itself (a query, a filter), returning the model at the path', () => {
    const model = todoModel();
    const asked: string[] = [];
    const $x = model.ref('_page.x', { ref: (path: string) => asked.push(path) });
    expect(asked).toEqual(['_page.x']);
    expect($x.path()).toBe('_page.x');
  });

  it('replaces a ref made again at the same path', () => {
    const model = todoModel();
    model.set('todos.b', { title: 'Bread' });
    model.ref('_page.todo', 'todos.a');
    model.ref('_page.todo', 'todos.b');
    expect(model.get('_page.todo.title')).toBe('Bread');
    const heard = hear(model, '_page.todo.**');
    model.set('todos.a.title', 'x');
    expect(heard).toEqual([]);
  });

  it('removeAllRefs removes the refs at or below a path and no others', () => {
    const model = todoModel();
    model.ref('_page.a.x', 'todos.a.title');
    model.ref('_page.a.y', 'todos.a.done');
    model.ref('_page.b', 'todos.a');
    expect(model.removeAllRefs('_page.a')).toBe(2);
    expect(model.get('_page.a.x')).toBeUndefined();
    expect(model.get('_page.b.title')).toBe('Milk');
    expect(model.removeAllRefs()).toBe(1);
    expect(model.get('_page.b')).toBeUndefined();
  });

  it('works for local targets, and a ref path below a synced document', () => {
    const model = createModel();
    model.set('_page.settings', { theme: 'dark' });
    model.ref('_session.theme', '_page.settings.theme');
    model.set('_session.theme', 'light');
    expect(model.get('_page.settings.theme')).toBe('light');
  });

  it('throws an Error naming the path for a ref onto itself, below itself, or a cycle, and keeps the refs as they were', () => {
    const model = todoModel();
    expect(() => model.ref('_page.x', '_page.x')).toThrow(/yracer ref\('_page\.x'\).*onto itself/);
    expect(() => model.ref('_page.x', '_page.x.y')).toThrow(/onto itself/);
    model.ref('_page.a', '_page.b');
    expect(() => model.ref('_page.b', '_page.a')).toThrow(/_page\.b.*cycle/);
    model.ref('_page.c', '_page.d');
    expect(() => model.ref('_page.d', '_page.a.z')).not.toThrow();
    expect(model.dereference('_page.a')).toBe('_page.b');
    expect(model.dereference('_page.b')).toBe('_page.b');
  });

  it('throws for a ref path that is not under a document, or an invalid path', () => {
    const model = createModel();
    expect(() => model.ref('_page', 'todos.a')).toThrow(/ref\('_page'\).*collection and a document id/);
    expect(() => model.ref('_page..x', 'todos.a')).toThrow(/invalid path/);
    expect(() => model.ref('_page.x', 'todos..a')).toThrow(/invalid target/);
  });

  it('hears remote-style changes of the target (applied as Yjs updates) at the ref path', () => {
    const writer = createModel();
    const reader = createModel();
    writer.yDoc('todos.a').on('update', (update: Uint8Array) => Y.applyUpdate(reader.yDoc('todos.a'), update));
    writer.set('todos.a', { title: 'Milk' });
    reader.ref('_page.todo', 'todos.a');
    const heard = hear(reader, '_page.todo.title');
    writer.set('todos.a.title', 'Eggs');
    expect(heard).toEqual([expect.objectContaining({ type: 'change', path: '_page.todo.title', value: 'Eggs', remote: true })]);
  });

  describe("Racer's event cases", () => {
    it('re-emits when a parent of the target is changed', () => {
      const model = createModel();
      model.ref('_page.color', '_page.colors.green');
      const heard = hear(model, '_page.color');
      model.set('_page.colors', { green: '#0e0' });
      expect(heard).toEqual([expect.objectContaining({ type: 'change', value: '#0e0', previous: undefined })]);
    });

    it('re-emits on a ref to a ref made before the ref it points to', () => {
      const model = createModel();
      model.ref('_page.myFavorite', '_page.color');
      model.ref('_page.color', '_page.colors.green');
      const heard = hear(model, '_page.myFavorite');
      model.set('_page.colors.green', '#0f0');
      expect(heard).toEqual([expect.objectContaining({ type: 'change', value: '#0f0' })]);
    });

    it('re-emits on every ref to the same target, in the order they were made', () => {
      const model = createModel();
      model.set('_page.colors.green', '#0f0');
      model.ref('_page.favorites.my', '_page.colors.green');
      model.ref('_page.favorites.your', '_page.colors.green');
      const heard: Array<[string, unknown]> = [];
      model.on('change', '_page.favorites.*', (event, [capture]) => heard.push([capture ?? '', event.value]));
      model.set('_page.colors.green', '#0f1');
      expect(heard).toEqual([['my', '#0f1'], ['your', '#0f1']]);
    });

    it('takes refs and ref lists made inside a listener at once', () => {
      const model = createModel();
      model.on('change', '_page.start', () => {
        model.ref('_page.myColor', '_page.color');
        model.ref('_page.yourColor', '_page.color');
        model.set('_page.yourColor', 'green');
        model.set('_page.colors', { red: '#f00', green: '#0f0', blue: '#00f' });
        model.set('_page.ids', ['blue', 'green']);
        model.refList('_page.list', '_page.colors', '_page.ids');
      });
      model.set('_page.start', true);
      expect(model.get('_page.color')).toBe('green');
      expect(model.get('_page.myColor')).toBe('green');
      expect(model.get('_page.list')).toEqual(['#00f', '#0f0']);
    });

    it('removing a ref to the same target inside a listener is fine', () => {
      const model = createModel();
      model.ref('_page.ref1', '_page.color');
      model.ref('_page.ref2', '_page.color');
      model.set('_page.color', 'red');
      const listener = model.on('change', '_page.ref1', () => {
        model.removeListener(listener);
        model.removeRef('_page.ref2');
      });
      model.set('_page.color', 'green');
      expect(model.get('_page.ref1')).toBe('green');
      expect(model.get('_page.ref2')).toBeUndefined(); // a ref is only an alias: removed, its path is empty (Racer keeps a copy)
      model.set('_page.color', 'blue');
      expect(model.get('_page.ref1')).toBe('blue');
    });
  });

  describe('updateIndices', () => {
    it('follows an item when items are inserted before it', () => {
      const model = createModel();
      model.set('_page.colors', ['red', 'green', 'blue']);
      model.ref('_page.color', '_page.colors.1', { updateIndices: true });
      model.unshift('_page.colors', 'yellow');
      expect(model.get('_page.color')).toBe('green');
      model.push('_page.colors', 'orange');
      model.insert('_page.colors', 2, 'purple', 'cyan');
      expect(model.get('_page.color')).toBe('green');
      expect(model.dereference('_page.color')).toBe('_page.colors.4');
    });

    it('follows an item when items are removed before it', () => {
      const model = createModel();
      model.set('_page.colors', ['red', 'blue', 'purple', 'cyan', 'green', 'yellow']);
      model.ref('_page.color', '_page.colors.4', { updateIndices: true });
      model.shift('_page.colors');
      model.pop('_page.colors');
      model.remove('_page.colors', 1, 2);
      expect(model.get('_page.color')).toBe('green');
    });

    it('follows an item (and a field below it) when items move', () => {
      const model = createModel();
      model.set('_page.colors', ['red', 'blue', 'purple', 'green', 'cyan', 'yellow'].map((name) => ({ name })));
      model.ref('_page.color', '_page.colors.3.name', { updateIndices: true });
      for (const [from, to, howMany] of [[0, 1, 1], [4, 5, 1], [0, 5, 1], [1, 3, 1], [0, 3, 2], [2, 3, 2], [3, 2, 2]] as const) {
        model.move('_page.colors', from, to, howMany);
        expect(model.get('_page.color')).toBe('green');
      }
    });

    it('stays at the index without the option', () => {
      const model = createModel();
      model.set('_page.colors', ['red', 'green']);
      model.ref('_page.color', '_page.colors.1');
      const heard = hear(model, '_page.color');
      model.unshift('_page.colors', 'yellow');
      expect(model.get('_page.color')).toBe('red');
      expect(heard).toEqual([expect.objectContaining({ type: 'change', value: 'red', previous: 'green' })]);
    });
  });
});
