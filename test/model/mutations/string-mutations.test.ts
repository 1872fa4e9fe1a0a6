import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ModelEvent } from '../../../src/index.ts';
import { changed, recordedModel, syncBoth as sync, syncedPeers as peers } from '../../helpers/model-fixtures.ts';

const setup = (doc: Record<string, unknown> = { s: 'hello' }): ReturnType<typeof recordedModel> => recordedModel(doc);

describe('stringInsert', () => {
  it.each([
    { index: 0, result: '>>hello' },
    { index: 2, result: 'he>>llo' },
    { index: 5, result: 'hello>>' },
  ])('inserts at $index and reports the whole new and previous string', ({ index, result }) => {
    const { model, events } = setup();
    expect(model.stringInsert('todos.a.s', index, '>>')).toBeUndefined();
    expect(model.get('todos.a.s')).toBe(result);
    expect(events).toStrictEqual([changed('todos.a.s', result, 'hello')]);
  });

  it('keeps editing the same string and reports each edit', () => {
    const { model, events } = setup();
    model.stringInsert('todos.a.s', 5, ' world');
    model.stringInsert('todos.a.s', 0, '¡');
    expect(model.get('todos.a.s')).toBe('¡hello world');
    expect(model.get('todos.a')).toEqual({ s: '¡hello world' });
    expect(events).toStrictEqual([changed('todos.a.s', 'hello world', 'hello'), changed('todos.a.s', '¡hello world', 'hello world')]);
  });

  it('counts indices in UTF-16 code units', () => {
    const { model } = setup({ s: 'a😀b' });
    model.stringInsert('todos.a.s', 3, 'X');
    expect(model.get('todos.a.s')).toBe('a😀Xb');
  });

  it('starts a missing string empty', () => {
    const { model, events } = setup();
    model.stringInsert('todos.a.t', 0, 'new');
    expect(model.get('todos.a')).toEqual({ s: 'hello', t: 'new' });
    expect(events).toStrictEqual([changed('todos.a.t', 'new', undefined)]);
  });

  it('creates a missing document', () => {
    const { model, events } = setup();
    model.stringInsert('todos.b.title', 0, 'hi');
    expect(model.get('todos.b')).toEqual({ title: 'hi' });
    expect(events).toStrictEqual([changed('todos.b', { title: 'hi' }, undefined), changed('todos.b.title', 'hi', undefined)]);
  });

  it('throws a RangeError for an index past the end of a missing string', () => {
    const { model, events } = setup();
    const before = model.get();
    expect(() => model.stringInsert('todos.a.t', 1, 'x')).toThrow(RangeError);
    expect(model.get()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('checks the index against the current length', () => {
    const { model, events } = setup();
    expect(() => model.stringInsert('todos.a.s', 6, 'x')).toThrow(RangeError);
    expect(() => model.stringInsert('todos.a.s', -1, 'x')).toThrow(RangeError);
    expect(() => model.stringInsert('todos.a.s', 1.5, 'x')).toThrow(TypeError);
    expect(model.get('todos.a.s')).toBe('hello');
    expect(events).toEqual([]);
  });

  it('changes nothing and emits nothing for empty text', () => {
    const { model, events } = setup();
    model.stringInsert('todos.a.s', 2, '');
    expect(model.get('todos.a.s')).toBe('hello');
    expect(events).toEqual([]);
  });

  it('edits a local document that is a string', () => {
    const { model, events } = setup();
    model.set('_page.title', 'Todos');
    events.length = 0;
    model.stringInsert('_page.title', 5, '!');
    expect(model.get('_page.title')).toBe('Todos!');
    expect(events).toStrictEqual([changed('_page.title', 'Todos!', 'Todos')]);
  });

  it('edits a string inside an array element object', () => {
    const { model, events } = setup({ items: [{ t: 'ab' }] });
    model.stringInsert('todos.a.items.0.t', 1, '-');
    expect(model.get('todos.a.items')).toEqual([{ t: 'a-b' }]);
    expect(events).toStrictEqual([changed('todos.a.items.0.t', 'a-b', 'ab')]);
  });

  it('edits an array element string in place, reported as a change of that element', () => {
    const { model, events } = setup({ list: ['ab', 'cd'] });
    model.stringInsert('todos.a.list.1', 2, 'e');
    model.stringInsert('todos.a.list.1', 0, '>');
    expect(model.get('todos.a.list')).toEqual(['ab', '>cde']);
    expect(events).toStrictEqual([changed('todos.a.list.1', 'cde', 'cd'), changed('todos.a.list.1', '>cde', 'cde')]);
  });

  it('goes back to a plain string when set, and can be edited again', () => {
    const { model } = setup();
    model.stringInsert('todos.a.s', 0, 'x');
    expect(model.set('todos.a.s', 'fresh')).toBe('xhello');
    model.stringInsert('todos.a.s', 5, '!');
    expect(model.get('todos.a.s')).toBe('fresh!');
  });
});

describe('stringRemove', () => {
  it('removes howMany characters and reports the whole new and previous string', () => {
    const { model, events } = setup();
    expect(model.stringRemove('todos.a.s', 1, 3)).toBeUndefined();
    expect(model.get('todos.a.s')).toBe('ho');
    expect(events).toStrictEqual([changed('todos.a.s', 'ho', 'hello')]);
  });

  it('can empty the string, which stays an empty string', () => {
    const { model, events } = setup();
    model.stringRemove('todos.a.s', 0, 5);
    expect(model.get('todos.a')).toEqual({ s: '' });
    expect(events).toStrictEqual([changed('todos.a.s', '', 'hello')]);
  });

  it('changes nothing and emits nothing when howMany is 0', () => {
    const { model, events } = setup();
    model.stringRemove('todos.a.s', 5, 0);
    expect(model.get('todos.a.s')).toBe('hello');
    expect(events).toEqual([]);
  });

  it('checks index and howMany against the current length', () => {
    const { model, events } = setup();
    expect(() => model.stringRemove('todos.a.s', 6, 0)).toThrow(RangeError);
    expect(() => model.stringRemove('todos.a.s', 3, 3)).toThrow(RangeError);
    expect(() => model.stringRemove('todos.a.s', 0, -1)).toThrow(RangeError);
    expect(() => model.stringRemove('todos.a.s', 0, 1.5)).toThrow(TypeError);
    expect(model.get('todos.a.s')).toBe('hello');
    expect(events).toEqual([]);
  });

  it('throws a TypeError on a missing string and creates nothing', () => {
    const { model, events } = setup();
    const before = model.get();
    expect(() => model.stringRemove('todos.a.t', 0, 0)).toThrow(TypeError);
    expect(() => model.stringRemove('todos.b.t', 0, 0)).toThrow(/stringRemove\('todos\.b\.t'\)/);
    expect(model.get()).toEqual(before);
    expect(events).toEqual([]);
  });
});

describe('string edits between peers', () => {
  it('merges concurrent edits of a string that both peers converted concurrently', () => {
    const [a, b] = peers({ s: 'abc' });
    a.stringInsert('todos.a.s', 0, 'X');
    b.stringInsert('todos.a.s', 3, 'Y');
    expect(a.get('todos.a.s')).toBe('Xabc');
    expect(b.get('todos.a.s')).toBe('abcY');
    sync(a, b);
    expect(a.get('todos.a.s')).toBe('XabcY');
    expect(b.get('todos.a.s')).toBe('XabcY');
  });

  it('merges concurrent edits of a string that already was a text', () => {
    const [a, b] = peers({ s: 'abc' });
    a.stringInsert('todos.a.s', 3, 'd');
    sync(a, b);
    a.stringInsert('todos.a.s', 0, '1');
    b.stringRemove('todos.a.s', 1, 2);
    b.stringInsert('todos.a.s', 2, '2');
    sync(a, b);
    expect(a.get('todos.a.s')).toBe('1ad2');
    expect(b.get('todos.a.s')).toBe('1ad2');
  });

  it('merges an insert and a remove that each converted the same plain string', () => {
    const [a, b] = peers({ s: 'abcdef' });
    a.stringInsert('todos.a.s', 0, 'X');
    b.stringRemove('todos.a.s', 2, 2);
    sync(a, b);
    expect(a.get('todos.a.s')).toBe('Xabef');
    expect(b.get('todos.a.s')).toBe('Xabef');
  });

  it('keeps both insertions into a field that was missing on both peers', () => {
    const [a, b] = peers({ title: 't' });
    a.stringInsert('todos.a.note', 0, 'ab');
    b.stringInsert('todos.a.note', 0, 'cd');
    sync(a, b);
    const merged = a.get<string>('todos.a.note');
    expect(b.get('todos.a.note')).toBe(merged);
    expect(['abcd', 'cdab']).toContain(merged);
  });

  it('emits the merged string on the receiving peer', () => {
    const [a, b] = peers({ s: 'abc' });
    a.stringInsert('todos.a.s', 0, 'X');
    b.stringInsert('todos.a.s', 3, 'Y');
    const events: ModelEvent[] = [];
    b.on('all', (event) => {
      events.push(event);
    });
    Y.applyUpdate(b.yDoc('todos.a'), Y.encodeStateAsUpdate(a.yDoc('todos.a')));
    expect(events).toStrictEqual([{ ...changed('todos.a.s', 'XabcY', 'abcY'), remote: true }]);
  });
});
