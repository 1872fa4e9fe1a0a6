import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type ListenableType, type Model, type ModelEvent } from '../../../src/index.ts';

/** A model holding todos.a = { title: 'Milk', meta: {} }, created before any listener. */
function todoModel(): Model {
  const model = createModel();
  model.set('todos.a', { title: 'Milk', meta: {} });
  return model;
}

/** Records [path, captures] of every event a pattern hears. */
function hear(model: Model, pattern: string, type: ListenableType = 'all'): Array<[string, readonly string[]]> {
  const heard: Array<[string, readonly string[]]> = [];
  model.on(type, pattern, (event, captures) => heard.push([event.path, captures]));
  return heard;
}

describe('event patterns', () => {
  it('matches one segment with * and captures it', () => {
    const model = todoModel();
    const heard = hear(model, 'todos.*.title');
    model.set('todos.a.title', 'x');
    model.set('todos.a.meta.n', 1);
    expect(heard).toEqual([['todos.a.title', ['a']]]);
  });

  it('hears a write under missing objects at the path written, in a local document and in _page alike', () => {
    const model = todoModel();
    const heard = hear(model, 'todos.*.stats.views.total');
    const page = hear(model, '_page.colors.*');
    model.set('todos.a.stats.views.total', 3);
    model.set('_page.colors.green', '#0f0');
    expect(heard).toEqual([['todos.a.stats.views.total', ['a']]]);
    expect(page).toEqual([['_page.colors.green', ['green']]]);
    // An object with several keys is reported where it was written only.
    const inside = hear(model, 'todos.a.box.*');
    model.set('todos.a.box', { x: 1, y: 2 });
    expect(inside).toEqual([]);
  });

  it('matches the path itself and everything below with a trailing **', () => {
    const model = createModel();
    const heard = hear(model, 'todos.a.**');
    model.set('todos.a', { title: 'Milk' });
    model.set('todos.a.title', 'x');
    model.set('todos.a.meta', { n: 0 });
    model.set('todos.a.meta.n', 1);
    model.set('todos.b.title', 'y');
    expect(heard).toEqual([
      ['todos.a', ['']],
      ['todos.a.title', ['title']], // the document's creation, then the field written
      ['todos.a.title', ['title']],
      ['todos.a.meta', ['meta']],
      ['todos.a.meta.n', ['meta.n']], // inside the new one-key object
      ['todos.a.meta.n', ['meta.n']],
    ]);
  });

  it('reads Racer\'s list** (no dot before **) as list.**', () => {
    const model = createModel();
    const heard = hear(model, 'todos.a**');
    model.set('todos.a', { title: 'Milk' });
    model.set('todos.ab', { title: 'x' });
    expect(heard).toEqual([
      ['todos.a', ['']],
      ['todos.a.title', ['title']],
    ]);
  });

  it('captures * segments and the ** rest together', () => {
    const model = todoModel();
    const heard = hear(model, 'todos.*.**');
    model.set('todos.a.meta.n', 1);
    model.set('todos.b', { x: 1 });
    expect(heard).toEqual([
      ['todos.a.meta.n', ['a', 'meta.n']],
      ['todos.b', ['b', '']],
      ['todos.b.x', ['b', 'x']],
    ]);
  });

  it('gives ** alone the whole path', () => {
    const model = todoModel();
    const heard = hear(model, '**');
    model.set('todos.a.title', 'x');
    expect(heard).toEqual([['todos.a.title', ['todos.a.title']]]);
  });

  it('fires at the mutated path only', () => {
    const model = todoModel();
    const done = hear(model, 'todos.*.done');
    const doc = hear(model, 'todos.*');
    model.set('todos.a.title', 'x');
    expect(done).toEqual([]);
    expect(doc).toEqual([]);
    model.set('todos.a.done', true);
    expect(done).toEqual([['todos.a.done', ['a']]]);
    expect(doc).toEqual([]);
  });

  it('filters by event type', () => {
    const model = todoModel();
    const changes = hear(model, 'todos.a.**', 'change');
    const inserts = hear(model, 'todos.a.**', 'insert');
    const all = hear(model, 'todos.a.**', 'all');
    model.push('todos.a.tags', 'x');
    model.push('todos.a.tags', 'y');
    expect(changes).toEqual([['todos.a.tags', ['tags']]]);
    expect(inserts).toEqual([['todos.a.tags', ['tags']]]);
    expect(all).toEqual([
      ['todos.a.tags', ['tags']],
      ['todos.a.tags', ['tags']],
    ]);
  });

  it('reads patterns of a scoped model relative to its path', () => {
    const model = todoModel();
    const $todo = model.at('todos.a');
    const meta = hear($todo, 'meta.*');
    const everything: Array<[string, readonly string[]]> = [];
    $todo.on('change', (event, captures) => everything.push([event.path, captures]));
    model.set('todos.a.meta.n', 1);
    model.set('todos.a.title', 'x');
    model.set('todos.b.meta.n', 1);
    expect(meta).toEqual([['todos.a.meta.n', ['n']]]);
    expect(everything).toEqual([
      ['todos.a.meta.n', ['meta.n']],
      ['todos.a.title', ['title']],
    ]);
  });

  it('throws for invalid patterns and unknown event types', () => {
    const model = createModel();
    const noop = (): void => {};
    expect(() => model.on('change', 'todos.**.title', noop)).toThrow(/"\*\*" may only be the last segment/);
    expect(() => model.on('change', 'todos..title', noop)).toThrow(/empty segment/);
    expect(() => model.on('change', 'todos.a*', noop)).toThrow(/mixes "\*"/);
    expect(() => model.on('bogus' as ListenableType, 'todos', noop)).toThrow(TypeError);
    expect(() => model.on('change', 'todos', 5 as unknown as () => void)).toThrow(TypeError);
  });
});

describe('pass and silent', () => {
  it('hands passed data to listeners, merged across chained pass calls', () => {
    const model = todoModel();
    const passed: unknown[] = [];
    model.on('change', (event) => passed.push(event.passed));
    model.pass({ a: 1 }).set('todos.a.title', 'x');
    model.pass({ a: 1 }).pass({ b: 2 }).at('todos.a').set('title', 'y');
    model.pass({ a: 1 }).pass({ a: 3 }).set('todos.a.title', 'z');
    model.set('todos.a.title', 'w');
    expect(passed).toEqual([{ a: 1 }, { a: 1, b: 2 }, { a: 3 }, {}]);
  });

  it('emits nothing for a silent write, yet get() sees it', () => {
    const model = todoModel();
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    model.silent().set('todos.a.title', 'S');
    model.at('todos.a').silent().push('tags', 'x');
    expect(events).toEqual([]);
    expect(model.get('todos.a')).toEqual({ title: 'S', meta: {}, tags: ['x'] });
    model.set('todos.a.title', 'N');
    expect(events).toEqual([{ type: 'change', path: 'todos.a.title', value: 'N', previous: 'S', passed: {}, remote: false }]);
  });
});

describe('removeListener', () => {
  it('stops delivery and returns whether the listener was registered', () => {
    const model = todoModel();
    const paths: string[] = [];
    const listener = (event: ModelEvent): void => void paths.push(event.path);
    expect(model.on('all', listener)).toBe(listener);
    model.set('todos.a.title', 'x');
    expect(model.removeListener(listener)).toBe(true);
    expect(model.removeListener(listener)).toBe(false);
    expect(model.removeListener(() => {})).toBe(false);
    model.set('todos.a.title', 'y');
    expect(paths).toEqual(['todos.a.title']);
  });

  it('removes a listener from a scoped model too', () => {
    const model = todoModel();
    let calls = 0;
    const listener = (): void => void calls++;
    model.at('todos.a').on('change', 'title', listener);
    expect(model.removeListener(listener)).toBe(true);
    model.set('todos.a.title', 'x');
    expect(calls).toBe(0);
  });

  it('skips a listener that an earlier listener removed during delivery', () => {
    const model = todoModel();
    const calls: string[] = [];
    const second = (): void => void calls.push('second');
    model.on('change', () => {
      calls.push('first');
      model.removeListener(second);
    });
    model.on('change', second);
    model.set('todos.a.title', 'x');
    expect(calls).toEqual(['first']);
  });
});

describe('event delivery', () => {
  it('delivers a write made inside a listener after the current event reached every listener', () => {
    const model = todoModel();
    const calls: string[] = [];
    model.on('change', (event) => {
      calls.push(`first ${event.path}`);
      if (event.path === 'todos.a.title') model.set('todos.a.done', true);
    });
    model.on('change', (event) => calls.push(`second ${event.path}`));
    model.set('todos.a.title', 'x');
    expect(calls).toEqual(['first todos.a.title', 'second todos.a.title', 'first todos.a.done', 'second todos.a.done']);
    expect(model.get('todos.a.done')).toBe(true);
  });

  it('keeps delivering when a listener throws and rethrows the error to the writer', () => {
    const model = todoModel();
    const calls: string[] = [];
    const boom = new Error('boom');
    model.on('change', () => {
      calls.push('first');
      throw boom;
    });
    model.on('change', () => void calls.push('second'));
    expect(() => model.set('todos.a.title', 'x')).toThrow(boom);
    expect(calls).toEqual(['first', 'second']);
    expect(model.get('todos.a.title')).toBe('x');
    calls.length = 0;
    expect(() => model.set('todos.a.title', 'y')).toThrow(boom);
    expect(calls).toEqual(['first', 'second']);
  });

  it('rethrows several listener errors together', () => {
    const model = todoModel();
    model.on('change', () => {
      throw new Error('one');
    });
    model.on('change', () => {
      throw new Error('two');
    });
    let caught: unknown;
    try {
      model.set('todos.a.title', 'x');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors.map((e: Error) => e.message)).toEqual(['one', 'two']);
  });

  it('marks changes applied from another peer as remote', () => {
    const a = createModel();
    const b = createModel();
    a.set('todos.r', { v: 1 });
    const events: ModelEvent[] = [];
    b.on('all', (event) => events.push(event));
    Y.applyUpdate(b.yDoc('todos.r'), Y.encodeStateAsUpdate(a.yDoc('todos.r')));
    expect(events).toEqual([
      { type: 'change', path: 'todos.r', value: { v: 1 }, previous: undefined, passed: {}, remote: true },
      { type: 'change', path: 'todos.r.v', value: 1, previous: undefined, passed: {}, remote: true },
    ]);
  });
});

describe('load and unload', () => {
  it('emits load with the document value when a document is loaded', () => {
    const model = createModel();
    const other = new Y.Doc();
    other.getMap('data').set('title', 'Remote');
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    model.store.load('todos', 'x', Y.encodeStateAsUpdate(other));
    expect(events).toEqual([{ type: 'load', path: 'todos.x', value: { title: 'Remote' }, document: { title: 'Remote' }, passed: {}, remote: true }]);
    expect(model.get('todos.x')).toEqual({ title: 'Remote' });
  });

  it('emits the changes a later load of a held document causes', () => {
    const model = createModel();
    const other = new Y.Doc();
    other.getMap('data').set('title', 'Remote');
    model.store.load('todos', 'x', Y.encodeStateAsUpdate(other));
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    other.getMap('data').set('done', true);
    model.store.load('todos', 'x', Y.encodeStateAsUpdate(other));
    expect(events).toEqual([{ type: 'change', path: 'todos.x.done', value: true, previous: undefined, passed: {}, remote: true }]);
  });

  it('emits unload with the previous value and forgets the document', () => {
    const model = createModel();
    model.set('todos.x', { title: 'Milk' });
    const events: ModelEvent[] = [];
    model.on('unload', 'todos.*', (event) => events.push(event));
    expect(model.store.unload('todos', 'x')).toBe(true);
    expect(model.store.unload('todos', 'x')).toBe(false);
    expect(events).toEqual([{ type: 'unload', path: 'todos.x', previous: { title: 'Milk' }, previousDocument: { title: 'Milk' }, passed: {}, remote: false }]);
    expect(model.get('todos.x')).toBeUndefined();
  });
});
