import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelEvent } from '../../../src/index.ts';
import { syncBoth, syncedPeers } from '../../helpers/model-fixtures.ts';

const WIRE = Symbol('wire');

/** Forwards every update between the two models' copies of a document until the returned function is called. */
function connect(a: Model, b: Model, path = 'todos.a'): () => void {
  const forward = (to: Model) => (update: Uint8Array, origin: unknown) => {
    if (origin !== WIRE) Y.applyUpdate(to.yDoc(path), update, WIRE);
  };
  const toB = forward(b);
  const toA = forward(a);
  a.yDoc(path).on('update', toB);
  b.yDoc(path).on('update', toA);
  syncBoth(a, b, path);
  return () => {
    a.yDoc(path).off('update', toB);
    b.yDoc(path).off('update', toA);
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('undoManager', () => {
  it('undoes and redoes a set', () => {
    const model = createModel();
    model.set('todos.a', { title: 'one' });
    const history = model.undoManager();
    expect([history.canUndo, history.canRedo]).toEqual([false, false]);
    model.set('todos.a.title', 'two');
    expect([history.canUndo, history.canRedo]).toEqual([true, false]);
    expect(history.undo()).toBe(true);
    expect(model.get('todos.a.title')).toBe('one');
    expect([history.canUndo, history.canRedo]).toEqual([false, true]);
    expect(history.redo()).toBe(true);
    expect(model.get('todos.a.title')).toBe('two');
    expect([history.canUndo, history.canRedo]).toEqual([true, false]);
  });

  it('returns false when there is nothing to undo or redo', () => {
    const model = createModel();
    const history = model.undoManager();
    expect(history.undo()).toBe(false);
    expect(history.redo()).toBe(false);
  });

  it('restores a deleted field and a deleted document', () => {
    const model = createModel();
    model.set('todos.a', { title: 'one', tags: ['x'] });
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.del('todos.a.tags');
    model.del('todos.a');
    expect(model.get('todos.a')).toBeUndefined();
    history.undo();
    expect(model.get('todos.a')).toEqual({ title: 'one' });
    history.undo();
    expect(model.get('todos.a')).toEqual({ title: 'one', tags: ['x'] });
    history.redo();
    history.redo();
    expect(model.get('todos.a')).toBeUndefined();
  });

  it('undoes push, insert, remove and move one step at a time', () => {
    const model = createModel();
    model.set('todos.a.items', ['a', 'b']);
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.push('todos.a.items', 'c');
    model.insert('todos.a.items', 0, 'z');
    model.remove('todos.a.items', 1, 1);
    model.move('todos.a.items', 0, 2);
    expect(model.get('todos.a.items')).toEqual(['b', 'c', 'z']);
    const seen: unknown[] = [];
    while (history.undo()) seen.push(model.get('todos.a.items'));
    expect(seen).toEqual([
      ['z', 'b', 'c'],
      ['z', 'a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b'],
    ]);
    while (history.redo()) seen.push(model.get('todos.a.items'));
    expect(seen.slice(4)).toEqual([
      ['a', 'b', 'c'],
      ['z', 'a', 'b', 'c'],
      ['z', 'b', 'c'],
      ['b', 'c', 'z'],
    ]);
  });

  it('undoes stringInsert and stringRemove, also of a plain string converted by the first edit', () => {
    const model = createModel();
    model.set('todos.a.title', 'hello');
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.stringInsert('todos.a.title', 5, ' world');
    model.stringRemove('todos.a.title', 0, 1);
    expect(model.get('todos.a.title')).toBe('ello world');
    history.undo();
    expect(model.get('todos.a.title')).toBe('hello world');
    history.undo();
    expect(model.get('todos.a.title')).toBe('hello');
    expect(history.canUndo).toBe(false);
    history.redo();
    expect(model.get('todos.a.title')).toBe('hello world');
  });

  it('undoes increment, including the first one that turns a number into a counter', () => {
    const model = createModel();
    model.set('todos.a.count', 5);
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.increment('todos.a.count', 2);
    model.increment('todos.a.count', 3);
    expect(model.get('todos.a.count')).toBe(10);
    history.undo();
    expect(model.get('todos.a.count')).toBe(7);
    history.undo();
    expect(model.get('todos.a.count')).toBe(5);
    history.redo();
    history.redo();
    expect(model.get('todos.a.count')).toBe(10);
  });

  it('undoes a counter replaced by a plain value', () => {
    const model = createModel();
    model.set('todos.a.count', 5);
    const history = model.undoManager();
    model.increment('todos.a.count', 1);
    model.set('todos.a.count', 100);
    expect(model.get('todos.a.count')).toBe(100);
    history.undo();
    expect(model.get('todos.a.count')).toBe(5);
  });

  it('groups changes less than captureTimeoutMs apart into one step', () => {
    vi.useFakeTimers();
    const model = createModel();
    model.set('todos.a', { title: '' });
    const history = model.undoManager(undefined, { captureTimeoutMs: 100 });
    model.set('todos.a.title', 'h');
    vi.advanceTimersByTime(60);
    model.set('todos.a.title', 'he');
    vi.advanceTimersByTime(60); // 120 ms after the first change, but only 60 after the last
    model.set('todos.a.title', 'hey');
    vi.advanceTimersByTime(100);
    model.set('todos.a.title', 'hey!');
    history.undo();
    expect(model.get('todos.a.title')).toBe('hey');
    history.undo();
    expect(model.get('todos.a.title')).toBe('');
    expect(history.canUndo).toBe(false);
  });

  it('groups changes of two documents into one step', () => {
    const model = createModel();
    model.set('todos.a', { title: 'a' });
    model.set('users.u', { name: 'u' });
    const history = model.undoManager();
    model.set('todos.a.title', 'A');
    model.set('users.u.name', 'U');
    model.set('todos.a.done', true);
    history.undo();
    expect(model.get('todos.a')).toEqual({ title: 'a' });
    expect(model.get('users.u')).toEqual({ name: 'u' });
    expect(history.canUndo).toBe(false);
    history.redo();
    expect(model.get('todos.a')).toEqual({ title: 'A', done: true });
    expect(model.get('users.u')).toEqual({ name: 'U' });
  });

  it('undoes the most recent step first across documents', () => {
    const model = createModel();
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.set('todos.a.title', 'a1');
    model.set('users.u.name', 'u1');
    model.set('todos.a.title', 'a2');
    history.undo();
    expect([model.get('todos.a.title'), model.get('users.u.name')]).toEqual(['a1', 'u1']);
    history.undo();
    expect([model.get('todos.a.title'), model.get('users.u.name')]).toEqual(['a1', undefined]);
    history.undo();
    expect(model.get('todos.a')).toBeUndefined();
  });

  it('ends a step on stopCapturing', () => {
    const model = createModel();
    const history = model.undoManager(undefined, { captureTimeoutMs: Number.POSITIVE_INFINITY });
    model.set('todos.a.title', 'one');
    model.set('users.u.name', 'one');
    history.stopCapturing();
    model.set('todos.a.title', 'two');
    model.set('users.u.name', 'two');
    history.undo();
    expect([model.get('todos.a.title'), model.get('users.u.name')]).toEqual(['one', 'one']);
    history.undo();
    expect([model.get('todos.a'), model.get('users.u')]).toEqual([undefined, undefined]);
  });

  it('clears the redo steps when a new change is made', () => {
    const model = createModel();
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.set('todos.a.title', 'one');
    history.undo();
    expect(history.canRedo).toBe(true);
    model.set('users.u.name', 'other');
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBe(false);
    expect(model.get('todos.a')).toBeUndefined();
  });

  it('records a write a listener makes while undoing as a new step, which clears the redo steps', () => {
    const model = createModel();
    model.set('todos.a.title', 'one');
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.set('todos.a.title', 'two');
    model.on('change', 'todos.a.title', () => void model.set('stats.s.undos', 1));
    expect(history.undo()).toBe(true);
    expect(model.get('stats.s.undos')).toBe(1);
    expect([history.canUndo, history.canRedo]).toEqual([true, false]);
    history.undo();
    expect(model.get('stats.s')).toBeUndefined();
  });

  it('emits ordinary local events when undoing', () => {
    const model = createModel();
    model.set('todos.a.title', 'one');
    const history = model.undoManager();
    model.set('todos.a.title', 'two');
    const events: ModelEvent[] = [];
    model.on('all', 'todos.**', (event) => void events.push(event));
    history.undo();
    expect(events).toEqual([{ type: 'change', path: 'todos.a.title', value: 'one', previous: 'two', passed: {}, remote: false }]);
  });

  it('never records or undoes a change made by another peer', () => {
    const [a, b] = syncedPeers({ title: 'one', done: false });
    const stop = connect(a, b);
    const history = a.undoManager(undefined, { captureTimeoutMs: 0 });
    b.set('todos.a.done', true);
    expect(history.canUndo).toBe(false);
    a.set('todos.a.title', 'two');
    b.push('todos.a.tags', 'remote');
    expect(history.undo()).toBe(true);
    expect(a.get('todos.a')).toEqual({ title: 'one', done: true, tags: ['remote'] });
    expect(b.get('todos.a')).toEqual(a.get('todos.a'));
    expect(history.canUndo).toBe(false);
    stop();
  });

  it('keeps a newer remote value of a field this client changed', () => {
    const [a, b] = syncedPeers({ title: 'one' });
    const stop = connect(a, b);
    const history = a.undoManager();
    a.set('todos.a.title', 'mine');
    b.set('todos.a.title', 'theirs');
    history.undo();
    expect(a.get('todos.a.title')).toBe('theirs');
    stop();
  });

  describe('with values converted by two peers at once (derived client ids)', () => {
    it('keeps the other peer’s increment when undoing the first increment', () => {
      const [a, b] = syncedPeers({ count: 5 });
      const history = a.undoManager();
      a.increment('todos.a.count', 1);
      b.increment('todos.a.count', 10);
      syncBoth(a, b);
      expect(a.get('todos.a.count')).toBe(16);
      expect(history.undo()).toBe(true);
      expect(a.get('todos.a.count')).toBe(15);
      syncBoth(a, b);
      expect(b.get('todos.a.count')).toBe(15);
      history.redo();
      expect(a.get('todos.a.count')).toBe(16);
    });

    it('shows that a raw Y.UndoManager would lose the other peer’s increment (the trap this avoids)', () => {
      const [a, b] = syncedPeers({ count: 5 });
      const raw = new Y.UndoManager(a.yDoc('todos.a'), { trackedOrigins: new Set([a.store.origin]) });
      a.increment('todos.a.count', 1);
      b.increment('todos.a.count', 10);
      syncBoth(a, b);
      raw.undo();
      expect(a.get('todos.a.count')).toBe(5);
      raw.destroy();
    });

    it('keeps the other peer’s characters when undoing the first stringInsert', () => {
      const [a, b] = syncedPeers({ title: 'ab' });
      const history = a.undoManager();
      a.stringInsert('todos.a.title', 0, 'X');
      b.stringInsert('todos.a.title', 2, 'Y');
      syncBoth(a, b);
      expect(a.get('todos.a.title')).toBe('XabY');
      history.undo();
      expect(a.get('todos.a.title')).toBe('abY');
      syncBoth(a, b);
      expect(b.get('todos.a.title')).toBe('abY');
    });

    it('undoes a write made before this client converted the value, in a later step or the same one', () => {
      const model = createModel();
      model.set('todos.a', { title: 't', count: 1 });
      const steps = model.undoManager(undefined, { captureTimeoutMs: 0 });
      model.set('todos.a.title', 'x');
      model.stringInsert('todos.a.title', 1, 'y');
      model.set('todos.a.count', 5);
      model.increment('todos.a.count', 2);
      expect(model.get('todos.a')).toEqual({ title: 'xy', count: 7 });
      while (steps.undo());
      expect(model.get('todos.a')).toEqual({ title: 't', count: 1 });
      while (steps.redo());
      expect(model.get('todos.a')).toEqual({ title: 'xy', count: 7 });
      steps.destroy();

      const oneStep = model.undoManager();
      model.set('todos.a.title', 'p');
      model.stringInsert('todos.a.title', 1, 'q');
      model.del('todos.a.count');
      model.increment('todos.a.count');
      oneStep.undo();
      expect(model.get('todos.a')).toEqual({ title: 'xy', count: 7 });
    });

    it('does not undo over a value another peer converted', () => {
      const [a, b] = syncedPeers({ title: 't' });
      const history = a.undoManager();
      a.set('todos.a.title', 'x');
      syncBoth(a, b);
      b.stringInsert('todos.a.title', 1, 'B');
      syncBoth(a, b);
      expect(history.undo()).toBe(false);
      expect(a.get('todos.a.title')).toBe('xB');
    });

    it('leaves a value converted from nothing in place when its first edit is undone', () => {
      // The conversion may be shared with a peer whose edits have not arrived yet: it is never deleted.
      const model = createModel();
      model.set('todos.a.title', 't');
      const history = model.undoManager();
      model.increment('todos.a.count');
      model.stringInsert('todos.a.note', 0, 'hi');
      model.set('todos.a.meta.x', 1);
      history.undo();
      expect(model.get('todos.a')).toEqual({ title: 't', count: 0, note: '', meta: {} });
    });

    it('keeps the other peer’s field in an implied parent both peers created', () => {
      const [a, b] = syncedPeers({ title: 't' });
      const history = a.undoManager();
      a.set('todos.a.meta.x', 1);
      b.set('todos.a.meta.y', 2);
      syncBoth(a, b);
      expect(a.get('todos.a.meta')).toEqual({ x: 1, y: 2 });
      history.undo();
      expect(a.get('todos.a.meta')).toEqual({ y: 2 });
      syncBoth(a, b);
      expect(b.get('todos.a.meta')).toEqual({ y: 2 });
    });
  });

  describe('paths', () => {
    it('records only changes at or below a tracked field', () => {
      const model = createModel();
      model.set('todos.a', { title: 'one', done: false });
      const history = model.undoManager(['todos.a.title']);
      model.set('todos.a.done', true);
      expect(history.canUndo).toBe(false);
      model.set('todos.a.title', 'two');
      model.set('todos.a.done', false);
      history.undo();
      expect(model.get('todos.a')).toEqual({ title: 'one', done: false });
    });

    it('reverts only the tracked part of a write that replaces a whole document', () => {
      const model = createModel();
      model.set('todos.a', { title: 'one', done: false });
      const history = model.undoManager(['todos.a.title']);
      model.set('todos.a', { title: 'two', done: true });
      history.undo();
      expect(model.get('todos.a')).toEqual({ title: 'one', done: true });
    });

    it('tracks whole documents and collections, and not others', () => {
      const model = createModel();
      const history = model.undoManager(['todos', 'users.u'], { captureTimeoutMs: 0 });
      model.set('users.v.name', 'not tracked');
      model.set('items.i.name', 'not tracked');
      expect(history.canUndo).toBe(false);
      model.set('todos.t1.title', 't1');
      model.set('users.u.name', 'u');
      history.undo();
      history.undo();
      expect(history.canUndo).toBe(false);
      expect(model.get()).toEqual({ users: { v: { name: 'not tracked' } }, items: { i: { name: 'not tracked' } } });
    });

    it('tracks local collections only when a path names them', () => {
      const model = createModel();
      const everything = model.undoManager();
      const page = model.undoManager(['_page.draft']);
      model.set('_page.draft', 'text');
      expect(everything.canUndo).toBe(false);
      page.undo();
      expect(model.get('_page.draft')).toBeUndefined();
    });

    it('takes paths relative to a scoped model, its own path by default', () => {
      const model = createModel();
      const history = model.at('todos.a').undoManager();
      const title = model.at('todos').undoManager('b.title');
      model.set('todos.a.title', 'a');
      model.set('todos.b', { title: 'b', done: true });
      history.undo();
      title.undo();
      expect(model.get('todos')).toEqual({ b: { done: true } });
    });

    it('throws on an invalid path or capture timeout', () => {
      const model = createModel();
      expect(() => model.undoManager(['todos..a'])).toThrow(/undoManager\('todos\.\.a'\): invalid path/);
      expect(() => model.undoManager([null as unknown as string])).toThrow(TypeError);
      expect(() => model.undoManager(undefined, { captureTimeoutMs: -1 })).toThrow(/captureTimeoutMs/);
    });
  });

  it('notifies subscribers when canUndo or canRedo changes, and only then', () => {
    const model = createModel();
    const history = model.undoManager();
    const seen: Array<[boolean, boolean]> = [];
    const stop = history.subscribe(() => void seen.push([history.canUndo, history.canRedo]));
    model.set('todos.a.title', 'one');
    model.set('todos.a.title', 'two');
    history.undo();
    history.redo();
    history.clear();
    stop();
    model.set('todos.a.title', 'three');
    expect(seen).toEqual([
      [true, false],
      [false, true],
      [true, false],
      [false, false],
    ]);
  });

  it('tracks documents that enter the model after it was created', () => {
    const model = createModel();
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    const other = createModel();
    other.set('todos.b', { title: 'from elsewhere' });
    Y.applyUpdate(model.yDoc('todos.b'), Y.encodeStateAsUpdate(other.yDoc('todos.b')));
    expect(history.canUndo).toBe(false);
    model.set('todos.b.title', 'edited');
    model.add('todos', { id: 'c', title: 'new' });
    history.undo();
    expect(model.get('todos.c')).toBeUndefined();
    history.undo();
    expect(model.get('todos.b.title')).toBe('from elsewhere');
  });

  it('drops the steps of a document that leaves the model', () => {
    const model = createModel();
    const history = model.undoManager(undefined, { captureTimeoutMs: 0 });
    model.set('todos.a.title', 'a');
    model.set('todos.b.title', 'b');
    const changes: boolean[] = [];
    history.subscribe(() => void changes.push(history.canUndo));
    model.store.unload('todos', 'b');
    expect(history.canUndo).toBe(true);
    model.store.unload('todos', 'a');
    expect(history.canUndo).toBe(false);
    expect(changes).toEqual([false]);
    expect(history.undo()).toBe(false);
    model.set('todos.a.title', 'again');
    history.undo();
    expect(model.get('todos.a')).toBeUndefined();
  });

  it('stops recording once destroyed', () => {
    const model = createModel();
    const history = model.undoManager();
    model.set('todos.a.title', 'one');
    history.destroy();
    expect(history.canUndo).toBe(false);
    model.set('todos.a.title', 'two');
    expect(history.undo()).toBe(false);
    expect(model.get('todos.a.title')).toBe('two');
    expect(model.store.entryOpened.size).toBe(0);
  });

  it('keeps two managers independent', () => {
    const model = createModel();
    const first = model.undoManager(['todos']);
    const second = model.undoManager(['todos']);
    model.set('todos.a.title', 'one');
    first.undo();
    expect(model.get('todos.a')).toBeUndefined();
    expect(second.canUndo).toBe(true);
  });
});
