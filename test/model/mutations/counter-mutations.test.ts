import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ModelEvent } from '../../../src/index.ts';
import { changed, recordedModel, syncBoth as sync, syncedPeers as peers } from '../../helpers/model-fixtures.ts';

const setup = (doc: Record<string, unknown> = { n: 5 }): ReturnType<typeof recordedModel> => recordedModel(doc);

describe('increment', () => {
  it('adds 1 by default, returns the new value and emits one change', () => {
    const { model, events } = setup();
    expect(model.increment('todos.a.n')).toBe(6);
    expect(model.get('todos.a.n')).toBe(6);
    expect(events).toStrictEqual([changed('todos.a.n', 6, 5)]);
  });

  it.each([
    { by: 10, result: 15 },
    { by: -7, result: -2 },
    { by: 0.5, result: 5.5 },
    { by: 0, result: 5 },
  ])('adds $by', ({ by, result }) => {
    const { model } = setup();
    expect(model.increment('todos.a.n', by)).toBe(result);
    expect(model.get('todos.a.n')).toBe(result);
  });

  it('reports each increment with the whole new and previous number', () => {
    const { model, events } = setup();
    model.increment('todos.a.n', 2);
    model.increment('todos.a.n', -10);
    model.increment('todos.a.n');
    expect(model.get('todos.a.n')).toBe(-2);
    expect(events).toStrictEqual([changed('todos.a.n', 7, 5), changed('todos.a.n', -3, 7), changed('todos.a.n', -2, -3)]);
  });

  it('starts a missing field at 0', () => {
    const { model, events } = setup();
    expect(model.increment('todos.a.count', 3)).toBe(3);
    expect(model.get('todos.a')).toEqual({ n: 5, count: 3 });
    expect(events).toStrictEqual([changed('todos.a.count', 3, undefined)]);
  });

  it('creates missing objects and documents on the way', () => {
    const { model, events } = setup();
    expect(model.increment('todos.a.stats.views')).toBe(1);
    expect(model.increment('todos.b.n', 4)).toBe(4);
    expect(model.get('todos')).toEqual({ a: { n: 5, stats: { views: 1 } }, b: { n: 4 } });
    expect(events).toStrictEqual([
      changed('todos.a.stats', { views: 1 }, undefined),
      changed('todos.a.stats.views', 1, undefined),
      changed('todos.b', { n: 4 }, undefined),
      changed('todos.b.n', 4, undefined),
    ]);
  });

  it('shows the counter as a plain number in every snapshot', () => {
    const { model } = setup({ n: 5, other: 'x' });
    model.increment('todos.a.n');
    model.increment('todos.a.n');
    expect(typeof model.get('todos.a.n')).toBe('number');
    expect(model.get('todos.a')).toEqual({ n: 7, other: 'x' });
    expect(model.get()).toEqual({ todos: { a: { n: 7, other: 'x' } } });
  });

  it('can be replaced by set and incremented again from the new value', () => {
    const { model, events } = setup();
    model.increment('todos.a.n');
    expect(model.set('todos.a.n', 100)).toBe(6);
    expect(model.increment('todos.a.n')).toBe(101);
    expect(events.at(-1)).toStrictEqual(changed('todos.a.n', 101, 100));
  });

  it('works through scoped models', () => {
    const { model } = setup();
    expect(model.at('todos.a').increment('n', 2)).toBe(7);
    expect(model.at('todos.a.n').increment(3)).toBe(10);
    expect(model.at('todos.a.n').increment()).toBe(11);
    expect(model.get('todos.a.n')).toBe(11);
  });

  it('increments a local document that is a number', () => {
    const { model, events } = setup();
    expect(model.increment('_page.count')).toBe(1);
    expect(model.increment('_page.count', 4)).toBe(5);
    expect(model.get('_page')).toEqual({ count: 5 });
    expect(events).toStrictEqual([changed('_page.count', 1, undefined), changed('_page.count', 5, 1)]);
  });

  it('increments an array element in place', () => {
    const { model } = setup({ list: [1, 2, 3] });
    expect(model.increment('todos.a.list.1', 5)).toBe(7);
    expect(model.get('todos.a.list')).toEqual([1, 7, 3]);
    expect(model.increment('todos.a.list.1', 5)).toBe(12);
    expect(model.get('todos.a.list')).toEqual([1, 12, 3]);
  });

  it('reports an array element increment as a change of that element', () => {
    const { model, events } = setup({ list: [1, 2, 3] });
    model.increment('todos.a.list.1', 5);
    model.increment('todos.a.list.1', 5);
    expect(events).toStrictEqual([changed('todos.a.list.1', 7, 2), changed('todos.a.list.1', 12, 7)]);
  });

  it('increments a number in an object inside an array', () => {
    const { model, events } = setup({ items: [{ votes: 1 }, { votes: 4 }] });
    expect(model.increment('todos.a.items.1.votes')).toBe(5);
    expect(model.get('todos.a.items')).toEqual([{ votes: 1 }, { votes: 5 }]);
    expect(events).toStrictEqual([changed('todos.a.items.1.votes', 5, 4)]);
  });

  it.each([
    { what: 'a string', value: 'text' },
    { what: 'an object', value: { x: 1 } },
    { what: 'an array', value: [1] },
    { what: 'a boolean', value: true },
    { what: 'null', value: null },
  ])('throws a TypeError and changes nothing on $what', ({ value }) => {
    const { model, events } = setup({ n: 5, v: value });
    const before = model.get();
    expect(() => model.increment('todos.a.v')).toThrow(TypeError);
    expect(() => model.increment('todos.a.v')).toThrow(/increment\('todos\.a\.v'\).*not a number/);
    expect(model.get()).toEqual(before);
    expect(events).toEqual([]);
  });

  it('throws a TypeError on a string that became a text', () => {
    const { model, events } = setup({ s: 'ab' });
    model.stringInsert('todos.a.s', 0, 'x');
    events.length = 0;
    expect(() => model.increment('todos.a.s')).toThrow(TypeError);
    expect(model.get('todos.a.s')).toBe('xab');
    expect(events).toEqual([]);
  });

  it('rejects a result that is not a finite number and changes nothing', () => {
    const { model, events } = setup({ n: Number.MAX_VALUE });
    expect(() => model.increment('todos.a.n', Number.MAX_VALUE)).toThrow(/increment\('todos\.a\.n'\)/);
    expect(model.get('todos.a.n')).toBe(Number.MAX_VALUE);
    expect(events).toEqual([]);
  });
});

describe('increment between peers', () => {
  it('adds up increments made while apart on an existing counter', () => {
    const [a, b] = peers({ n: 5 });
    a.increment('todos.a.n');
    sync(a, b);
    expect(b.get('todos.a.n')).toBe(6);
    expect(a.increment('todos.a.n')).toBe(7);
    expect(b.increment('todos.a.n')).toBe(7);
    sync(a, b);
    expect(a.get('todos.a.n')).toBe(8);
    expect(b.get('todos.a.n')).toBe(8);
  });

  it('adds up when both peers convert the same plain number concurrently', () => {
    const [a, b] = peers({ n: 5 });
    expect(a.increment('todos.a.n')).toBe(6);
    expect(b.increment('todos.a.n')).toBe(6);
    sync(a, b);
    expect(a.get('todos.a.n')).toBe(7);
    expect(b.get('todos.a.n')).toBe(7);
  });

  it('adds up different amounts and repeated increments from both sides', () => {
    const [a, b] = peers({ n: 10 });
    a.increment('todos.a.n', 3);
    a.increment('todos.a.n', 3);
    b.increment('todos.a.n', -1);
    sync(a, b);
    b.increment('todos.a.n', 100);
    a.increment('todos.a.n', 0.5);
    sync(a, b);
    expect(a.get('todos.a.n')).toBe(115.5);
    expect(b.get('todos.a.n')).toBe(115.5);
  });

  it('adds up when both peers increment a missing field concurrently', () => {
    const [a, b] = peers({ title: 't' });
    a.increment('todos.a.count');
    b.increment('todos.a.count', 2);
    a.increment('todos.a.stats.views');
    b.increment('todos.a.stats.views');
    sync(a, b);
    for (const model of [a, b]) expect(model.get('todos.a')).toEqual({ title: 't', count: 3, stats: { views: 2 } });
  });

  it('adds up on a counter inside an array element once it exists on both sides', () => {
    const [a, b] = peers({ list: [1, 2] });
    a.increment('todos.a.list.0');
    sync(a, b);
    a.increment('todos.a.list.0');
    b.increment('todos.a.list.0', 10);
    sync(a, b);
    expect(a.get('todos.a.list')).toEqual([13, 2]);
    expect(b.get('todos.a.list')).toEqual([13, 2]);
  });

  it('emits the merged total on the receiving peer', () => {
    const [a, b] = peers({ n: 5 });
    a.increment('todos.a.n');
    b.increment('todos.a.n', 2);
    const events: ModelEvent[] = [];
    b.on('all', (event) => {
      events.push(event);
    });
    Y.applyUpdate(b.yDoc('todos.a'), Y.encodeStateAsUpdate(a.yDoc('todos.a')));
    expect(events).toStrictEqual([{ ...changed('todos.a.n', 8, 7), remote: true }]);
  });

  it('is an object of per-client sums to a stock Yjs client', () => {
    const [a] = peers({ n: 5 });
    a.increment('todos.a.n', 2);
    const raw = a.yDoc('todos.a').getMap('data').toJSON() as Record<string, unknown>;
    expect(typeof raw['n']).toBe('object');
    const sum = Object.values(raw['n'] as Record<string, number>).reduce((s, v) => s + v, 0);
    expect(sum).toBe(7);
  });
});
