import { describe, expect, it } from 'vitest';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';

function record(model: Model): ModelEvent[] {
  const events: ModelEvent[] = [];
  model.on('all', (event) => events.push(event));
  return events;
}

/** A callback that records its calls, with a promise settled on the first one. */
function spyCallback(): { callback: (...args: unknown[]) => void; calls: unknown[][]; called: Promise<void> } {
  const calls: unknown[][] = [];
  let resolve = (): void => {};
  const called = new Promise<void>((r) => (resolve = r));
  return {
    calls,
    called,
    callback: (...args: unknown[]) => {
      calls.push(args);
      resolve();
    },
  };
}

const change = { type: 'change', passed: {}, remote: false, previous: undefined } as const;

describe('create', () => {
  it('creates a document with its id stored in an id field', () => {
    const model = createModel();
    const events = record(model);
    expect(model.create('todos.a', { title: 'Milk' })).toBeUndefined();
    expect(model.get('todos.a')).toEqual({ title: 'Milk', id: 'a' });
    expect(model.yDoc('todos.a').getMap('data').get('id')).toBe('a');
    // The document's creation first, then each field written (ordered by key).
    expect(events).toEqual([
      { ...change, path: 'todos.a', value: { title: 'Milk', id: 'a' } },
      { ...change, path: 'todos.a.id', value: 'a' },
      { ...change, path: 'todos.a.title', value: 'Milk' },
    ]);
  });

  it('does not modify the value it was given', () => {
    const model = createModel();
    const value = { title: 'Milk' };
    model.create('todos.a', value);
    expect(value).toEqual({ title: 'Milk' });
  });

  it('accepts a value whose id matches the path', () => {
    const model = createModel();
    model.create('todos.d', { id: 'd', t: 1 });
    expect(model.get('todos.d')).toEqual({ id: 'd', t: 1 });
  });

  it('throws when the value id differs from the path and changes nothing', () => {
    const model = createModel();
    const events = record(model);
    expect(() => model.create('todos.d', { id: 'e' })).toThrow(/differs from the path/);
    expect(model.get('todos.d')).toBeUndefined();
    expect(model.get('todos.e')).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('throws when the document exists and leaves it alone', () => {
    const model = createModel();
    model.create('todos.a', { title: 'Milk' });
    const events = record(model);
    expect(() => model.create('todos.a', { title: 'X' })).toThrow(/already exists/);
    expect(model.get('todos.a')).toEqual({ title: 'Milk', id: 'a' });
    expect(events).toEqual([]);
  });

  it('creates again after the document was deleted', () => {
    const model = createModel();
    model.create('todos.a', { title: 'Milk' });
    model.del('todos.a');
    model.create('todos.a', { title: 'Eggs' });
    expect(model.get('todos.a')).toEqual({ title: 'Eggs', id: 'a' });
  });

  it('throws for a path inside a document or a value that is not an object', () => {
    const model = createModel();
    model.create('todos.a', { title: 'Milk' });
    expect(() => model.create('todos.a.meta', {})).toThrow(/document path/);
    expect(() => model.create('todos.b', [1])).toThrow(TypeError);
    expect(model.get('todos')).toEqual({ a: { title: 'Milk', id: 'a' } });
  });

  it('stores the value as given in a local collection, primitives included', () => {
    const model = createModel();
    model.create('_page.p', { x: 1 });
    model.create('_page.q', 5);
    expect(model.get('_page')).toEqual({ p: { x: 1 }, q: 5 });
    expect(() => model.create('_page.q', 6)).toThrow(/already exists/);
  });
});

describe('createNull', () => {
  it('creates a missing document with its id', () => {
    const model = createModel();
    const events = record(model);
    model.createNull('todos.b', { title: 'B' });
    expect(model.get('todos.b')).toEqual({ title: 'B', id: 'b' });
    expect(events).toEqual([
      { ...change, path: 'todos.b', value: { title: 'B', id: 'b' } },
      { ...change, path: 'todos.b.id', value: 'b' },
      { ...change, path: 'todos.b.title', value: 'B' },
    ]);
  });

  it('leaves an existing document alone without throwing or emitting', () => {
    const model = createModel();
    model.create('todos.a', { title: 'Milk' });
    const before = model.get('todos.a');
    const events = record(model);
    expect(model.createNull('todos.a', { title: 'X' })).toBeUndefined();
    expect(model.get('todos.a')).toBe(before);
    expect(events).toEqual([]);
  });
});

describe('add', () => {
  it('creates a document under a new id and returns it', () => {
    const model = createModel();
    const events = record(model);
    const id = model.add('todos', { title: 'A' });
    expect(id).toMatch(/^[0-9A-Za-z]{16}$/);
    expect(model.get(`todos.${id}`)).toEqual({ title: 'A', id });
    expect(events).toEqual([
      { ...change, path: `todos.${id}`, value: { title: 'A', id } },
      { ...change, path: `todos.${id}.id`, value: id },
      { ...change, path: `todos.${id}.title`, value: 'A' },
    ]);
  });

  it('passes the new id to its callback, as Racer does', async () => {
    const model = createModel();
    const [error, id] = await new Promise<[Error | undefined, string]>((resolve) => {
      const returned = model.add('todos', { title: 'Milk' }, (failure, added) => resolve([failure, added]));
      expect(returned).toMatch(/^[A-Za-z0-9]{16}$/);
    });
    expect(error).toBeUndefined();
    expect(model.get(`todos.${id}.title`)).toBe('Milk');
    const scoped = await new Promise<string>((resolve) => model.at('todos').add({ id: 'given' }, (_failure, added) => resolve(added)));
    expect(scoped).toBe('given');
  });

  it('uses the id given in the value', () => {
    const model = createModel();
    expect(model.add('todos', { id: 'given', title: 'G' })).toBe('given');
    expect(model.get('todos.given')).toEqual({ id: 'given', title: 'G' });
  });

  it('throws when a document with the given id exists', () => {
    const model = createModel();
    model.add('todos', { id: 'given', title: 'G' });
    expect(() => model.add('todos', { id: 'given', title: 'H' })).toThrow(/already exists/);
    expect(model.get('todos.given')).toEqual({ id: 'given', title: 'G' });
  });

  it('throws for an invalid id or a path that is not a collection', () => {
    const model = createModel();
    expect(() => model.add('todos', { id: 'a b' })).toThrow(/not a valid document id/);
    expect(() => model.add('todos', { id: 5 })).toThrow(/not a valid document id/);
    expect(() => model.add('todos.a', {})).toThrow(/collection name/);
    expect(model.get()).toEqual({});
  });

  it('adds under any path of a local collection, as Racer does', async () => {
    const model = createModel();
    const events = record(model);
    model.set('_page.colors', {});
    events.length = 0;
    const id = model.add('_page.colors', { name: 'red' });
    expect(id).toMatch(/^[0-9A-Za-z]{16}$/);
    expect(model.get('_page.colors')).toEqual({ [id]: { name: 'red', id } });
    expect(events).toEqual([{ ...change, path: `_page.colors.${id}`, value: { name: 'red', id } }]);
    expect(model.at('_page.palette.warm').add({ id: 'orange' })).toBe('orange');
    expect(model.get('_page.palette')).toEqual({ warm: { orange: { id: 'orange' } } });
    expect(model.add('$ui.menu', { id: 'a' })).toBe('a');
    expect(model.get('$ui.menu.a')).toEqual({ id: 'a' });
    const added = await new Promise<string>((resolve) => model.add('_page.colors', { name: 'blue' }, (_error, got) => resolve(got)));
    expect(model.get(`_page.colors.${added}.name`)).toBe('blue');
  });

  it('keeps one document per add in a synced collection and refuses a local path through a value', () => {
    const model = createModel();
    expect(() => model.add('todos.a.items', {})).toThrow(/collection name/);
    model.set('_page.title', 'x');
    expect(() => model.add('_page.title', { name: 'y' })).toThrow(/_page\.title is a string/);
    expect(() => model.add('_page.colors', { id: 'a.b' })).toThrow(/not a valid document id/);
    expect(model.get('_page')).toEqual({ title: 'x' });
  });

  it('gives each document a different id', () => {
    const model = createModel();
    const ids = new Set(Array.from({ length: 200 }, () => model.add('todos', {})));
    expect(ids.size).toBe(200);
    expect(Object.keys(model.get('todos') ?? {})).toHaveLength(200);
  });
});

describe('model.id', () => {
  it('returns 16 characters of base 62, different each time', () => {
    const model = createModel();
    const ids = Array.from({ length: 500 }, () => model.id());
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('scoped document mutations', () => {
  it('adds to the collection a scoped model points at', () => {
    const model = createModel();
    const id = model.scope('todos').add({ x: 1 });
    expect(model.get(`todos.${id}`)).toEqual({ x: 1, id });
  });

  it('creates the document a scoped model points at', () => {
    const model = createModel();
    model.at('todos.z').create({ x: 1 });
    model.at('todos.y').createNull();
    model.at('todos').create('w', { x: 2 });
    expect(model.get('todos')).toEqual({ z: { x: 1, id: 'z' }, y: { id: 'y' }, w: { x: 2, id: 'w' } });
  });
});

describe('document mutation callbacks', () => {
  it('calls back asynchronously, without an error, for create, createNull and add', async () => {
    const model = createModel();
    const spies = [spyCallback(), spyCallback(), spyCallback(), spyCallback()] as const;
    model.create('todos.a', { title: 'Milk' }, spies[0].callback);
    model.createNull('todos.a', { title: 'X' }, spies[1].callback);
    model.add('todos', { title: 'A' }, spies[2].callback);
    model.at('todos.b').create(spies[3].callback);
    for (const spy of spies) expect(spy.calls).toEqual([]);
    await Promise.all(spies.map((spy) => spy.called));
    for (const spy of spies) {
      expect(spy.calls).toHaveLength(1);
      expect(spy.calls[0]?.[0]).toBeUndefined();
    }
    expect(model.get('todos.b')).toEqual({ id: 'b' });
  });

  it('does not call back when the mutation throws', async () => {
    const model = createModel();
    model.create('todos.a', {});
    const spy = spyCallback();
    expect(() => model.create('todos.a', {}, spy.callback)).toThrow();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(spy.calls).toEqual([]);
  });
});
