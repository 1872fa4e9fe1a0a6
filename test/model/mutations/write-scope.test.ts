import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type ModelEvent } from '../../../src/index.ts';

describe('commit', () => {
  it('calls the write callback even when a listener throws', async () => {
    const model = createModel();
    model.set('todos.a', { x: 0 });
    model.on('change', 'todos.a.x', () => {
      throw new Error('listener bug');
    });
    let called = false;
    expect(() => model.set('todos.a.x', 1, () => (called = true))).toThrow('listener bug');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(model.get('todos.a.x')).toBe(1);
    expect(called).toBe(true);
  });

  it('emits the events of a transaction when any write in it is not silent, merging passed data', () => {
    const model = createModel();
    model.set('todos.a', { x: 0, y: 0 });
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    Y.transact(model.yDoc('todos.a'), () => {
      model.pass({ first: 1 }).set('todos.a.x', 1);
      model.silent().pass({ second: 2 }).set('todos.a.y', 1);
    });
    expect(events.map((e) => [e.path, e.passed])).toEqual([
      ['todos.a.x', { first: 1, second: 2 }],
      ['todos.a.y', { first: 1, second: 2 }],
    ]);
  });

  it('emits nothing when every write of a transaction is silent', () => {
    const model = createModel();
    model.set('todos.a', { x: 0, y: 0 });
    const events: ModelEvent[] = [];
    model.on('all', (event) => events.push(event));
    Y.transact(model.yDoc('todos.a'), () => {
      model.silent().set('todos.a.x', 1);
      model.silent().set('todos.a.y', 1);
    });
    expect(events).toEqual([]);
    expect(model.get('todos.a')).toEqual({ x: 1, y: 1 });
  });

  it('rejects a callback that is not a function before writing', () => {
    const model = createModel();
    model.set('todos.a', { x: 0 });
    expect(() => model.set('todos.a.x', 1, {} as never)).toThrow(TypeError);
    expect(model.get('todos.a.x')).toBe(0);
  });
});
