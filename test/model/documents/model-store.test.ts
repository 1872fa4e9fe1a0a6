import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type ModelEvent } from '../../../src/index.ts';

describe('ModelStore', () => {
  it('emits load for a document whose empty Y.Doc was opened before its data arrived', () => {
    const source = createModel();
    source.set('todos.a', { title: 'x' });
    const model = createModel();
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    model.yDoc('todos.a');
    model.store.load('todos', 'a', Y.encodeStateAsUpdate(source.yDoc('todos.a')));
    expect(events).toEqual([{ type: 'load', path: 'todos.a', value: { title: 'x' }, document: { title: 'x' }, passed: {}, remote: true }]);
  });

  it('serves current collection and root snapshots inside an open transaction', () => {
    const model = createModel();
    model.set('todos.a', { title: 'old' });
    model.get('todos');
    model.get();
    let inside: unknown;
    let insideRoot: unknown;
    Y.transact(model.yDoc('todos.a'), () => {
      model.set('todos.a.title', 'new');
      inside = model.get('todos');
      insideRoot = model.get();
    });
    expect(inside).toEqual({ a: { title: 'new' } });
    expect(insideRoot).toEqual({ todos: { a: { title: 'new' } } });
    expect(model.get('todos')).toEqual({ a: { title: 'new' } });
  });

  it('serves current snapshots to Yjs observers that read after a write', () => {
    const model = createModel();
    model.set('todos.a', { list: [1], n: 0 });
    model.get('todos');
    const reads: unknown[] = [];
    model.yDoc('todos.a').getMap('data').observeDeep(() => {
      reads.push(model.get('todos.a.list'), model.get('todos'));
    });
    model.push('todos.a.list', 2);
    expect(reads).toEqual([[1, 2], { a: { list: [1, 2], n: 0 } }]);
  });

  it('rejects __proto__ as a collection or document id', () => {
    const model = createModel();
    expect(() => model.set('todos.__proto__', { title: 'x' })).toThrow(/__proto__/);
    expect(() => model.set('__proto__.a', { title: 'x' })).toThrow(/__proto__/);
    expect(model.get()).toEqual({});
  });

  it('never hands out objects that a stock Yjs client stored as content', () => {
    const model = createModel({ freeze: false });
    const doc = model.yDoc('todos.a');
    doc.getMap('data').set('meta', { tags: ['x'] });
    const snapshot = model.get<{ tags: string[] }>('todos.a.meta');
    snapshot?.tags.push('m');
    expect((doc.getMap('data').get('meta') as { tags: string[] }).tags).toEqual(['x']);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(Y.encodeStateAsUpdate(doc));
  });

  it('skips formatting-only changes made by a rich-text editor', () => {
    const model = createModel();
    model.set('todos.a', { t: 'hello' });
    model.stringInsert('todos.a.t', 5, '!');
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    const text = model.yDoc('todos.a').getMap('data').get('t') as Y.Text;
    text.format(0, 3, { bold: true });
    expect(events).toEqual([]);
    text.insertEmbed(1, { image: 'x' });
    expect(() => model.stringInsert('todos.a.t', 6, 'Z')).toThrow(/embedded objects/);
  });

  it('deletes keys named like Object.prototype members when a document is replaced', () => {
    const model = createModel();
    model.set('todos.a', { toString: 'x', constructor: 'c', b: 1 });
    model.set('todos.a', { b: 2 });
    expect(model.get('todos.a')).toEqual({ b: 2 });
    model.set('todos.a', { valueOf: 'v', nested: { hasOwnProperty: 1, k: 1 } });
    model.setDiffDeep('todos.a', { nested: { k: 2 } });
    expect(model.get('todos.a')).toEqual({ nested: { k: 2 } });
  });
});
