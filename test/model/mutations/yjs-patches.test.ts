import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel } from '../../../src/index.ts';
import { yjsPatched } from '../../../src/model/mutations/yjs-patches.ts';
import { concatOutput } from '../../helpers/concat-output.ts';

type Primitive = number | string | boolean | null;

/** The n-th of a mix of primitives, so runs hold every kind. */
const valueAt = (i: number): Primitive => [i, `s${i}`, i % 2 === 0, null][i % 4] as Primitive;

/** Pushes n primitives into a raw Y.Array, one transaction each. */
function pushOneByOne(array: Y.Array<Primitive>, n: number, from = 0): Primitive[] {
  const expected: Primitive[] = [];
  for (let i = from; i < from + n; i++) {
    array.push([valueAt(i)]);
    expected.push(valueAt(i));
  }
  return expected;
}

/** The live items of an array, left to right. */
function items<T>(array: Y.Array<T>): Y.Item[] {
  const out: Y.Item[] = [];
  for (let item = array._start; item !== null; item = item.right) out.push(item);
  return out;
}

describe('yjs patches', () => {
  it('are installed once the model is imported', () => {
    expect(createModel).toBeTypeOf('function');
    expect(yjsPatched()).toBe(true);
  });

  it('keep the content right after many single pushes of primitives', () => {
    const doc = new Y.Doc();
    const array = doc.getArray<Primitive>('list');
    const expected = pushOneByOne(array, 2000);
    expect(array.length).toBe(2000);
    expect(array.toArray()).toEqual(expected);
    expect(array.toJSON()).toEqual(expected);
    expect(array.get(1234)).toBe(valueAt(1234));
  });

  it('merge the pushes into one item whose content matches', () => {
    const doc = new Y.Doc();
    const array = doc.getArray<Primitive>('list');
    const expected = pushOneByOne(array, 500);
    const all = items(array);
    expect(all).toHaveLength(1);
    const [item] = all as [Y.Item];
    expect(item.length).toBe(500);
    expect(item.content).toBeInstanceOf(Y.ContentAny);
    expect(item.content.getContent()).toEqual(expected);
  });

  it('grow the merged content in place instead of copying it', () => {
    const doc = new Y.Doc();
    const array = doc.getArray<Primitive>('list');
    array.push([valueAt(0)]);
    const content = (items(array)[0] as Y.Item).content as Y.ContentAny;
    const storage = content.arr;
    pushOneByOne(array, 100, 1);
    expect(items(array)[0]?.content).toBe(content);
    expect(content.arr).toBe(storage);
    expect(storage).toHaveLength(101);
  });

  it('copy a linear number of elements for n single pushes (not n squared)', () => {
    for (const n of [10_000, 20_000]) {
      const doc = new Y.Doc();
      const array = doc.getArray<Primitive>('list');
      const copied = concatOutput(() => pushOneByOne(array, n));
      expect(array.length).toBe(n);
      // Stock Yjs concatenates the whole run on every merge: about n * n / 2 elements.
      expect(copied).toBeLessThan(n);
    }
  });

  it('merge contents whose arrays Yjs froze (its development mode)', () => {
    const left = new Y.ContentAny(Object.freeze([1, 2]) as unknown as unknown[]);
    const right = new Y.ContentAny(Object.freeze(['three']) as unknown as unknown[]);
    expect(left.mergeWith(right)).toBe(true);
    expect(left.getContent()).toEqual([1, 2, 'three']);
    expect(right.getContent()).toEqual(['three']);
  });

  it('let a model push repeatedly when NODE_ENV is development', () => {
    const entry = fileURLToPath(new URL('../../../src/index.ts', import.meta.url));
    const script = [
      `const { createModel } = await import(${JSON.stringify(entry)});`,
      'const model = createModel();',
      "for (let i = 0; i < 5; i++) model.push('todos.a.list', i);",
      "process.stdout.write(JSON.stringify(model.get('todos.a.list')));",
    ].join('\n');
    let output: string;
    try {
      output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, NODE_ENV: 'development' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      output = `failed: ${String((error as { stderr?: string }).stderr ?? error)}`;
    }
    expect(output).toBe('[0,1,2,3,4]');
  });

  it('make ContentAny.copy() return an independent array', () => {
    const original = new Y.ContentAny([1, 'a', null]);
    const copy = original.copy();
    expect(copy).toBeInstanceOf(Y.ContentAny);
    expect(copy).not.toBe(original);
    expect(copy.arr).not.toBe(original.arr);
    expect(copy.getContent()).toEqual([1, 'a', null]);
    copy.mergeWith(new Y.ContentAny([2]));
    expect(copy.getContent()).toEqual([1, 'a', null, 2]);
    expect(original.getContent()).toEqual([1, 'a', null]);
    original.mergeWith(new Y.ContentAny(['b']));
    expect(copy.getContent()).toEqual([1, 'a', null, 2]);
  });

  it('keep the content right when merged runs are split, deleted from and grown again', () => {
    const doc = new Y.Doc();
    const array = doc.getArray<Primitive>('list');
    const expected = pushOneByOne(array, 50);
    array.insert(20, ['middle']);
    expected.splice(20, 0, 'middle');
    array.delete(5, 3);
    expected.splice(5, 3);
    expected.push(...pushOneByOne(array, 30, 50));
    array.unshift(['first']);
    expected.unshift('first');
    expect(array.toArray()).toEqual(expected);
  });

  it('sync to another Y.Doc with identical JSON, in one update or many', () => {
    const source = new Y.Doc();
    const live = new Y.Doc();
    source.on('update', (update: Uint8Array) => Y.applyUpdate(live, update));
    const array = source.getArray<Primitive>('list');
    const expected = pushOneByOne(array, 3000);
    array.delete(100, 10);
    expected.splice(100, 10);
    const later = new Y.Doc();
    Y.applyUpdate(later, Y.encodeStateAsUpdate(source));
    for (const doc of [source, live, later]) doc.getArray('list');
    expect(source.toJSON()).toEqual({ list: expected });
    expect(later.toJSON()).toEqual(source.toJSON());
    expect(live.toJSON()).toEqual(source.toJSON());
  });

  it('converge when two docs push concurrently and exchange updates', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    pushOneByOne(a.getArray<Primitive>('list'), 400);
    pushOneByOne(b.getArray<Primitive>('list'), 400, 1000);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
    const list = a.getArray<Primitive>('list').toArray();
    expect(list).toHaveLength(800);
    expect(b.getArray('list').toJSON()).toEqual(list);
    const merged = Y.mergeUpdates([Y.encodeStateAsUpdate(a), Y.encodeStateAsUpdate(b)]);
    const c = new Y.Doc();
    Y.applyUpdate(c, merged);
    expect(c.getArray('list').toJSON()).toEqual(list);
  });

  it('keep a model array of many single pushes consistent between peers', () => {
    const writer = createModel();
    const reader = createModel();
    writer.yDoc('todos.a').on('update', (update: Uint8Array) => Y.applyUpdate(reader.yDoc('todos.a'), update));
    const expected: Primitive[] = [];
    for (let i = 0; i < 1000; i++) {
      writer.push('todos.a.list', valueAt(i));
      expected.push(valueAt(i));
    }
    expect(writer.get('todos.a.list')).toEqual(expected);
    expect(reader.get('todos.a.list')).toEqual(expected);
    expect(reader.yDoc('todos.a').toJSON()).toEqual(writer.yDoc('todos.a').toJSON());
  });
});
