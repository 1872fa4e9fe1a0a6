import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel } from '../../src/index.ts';
import { updateProblem } from '../../src/server/update-check.ts';

/** The update that brings an empty document to `doc`'s state. */
const stateOf = (doc: Y.Doc): Uint8Array => Y.encodeStateAsUpdate(doc);

/** A document made by `write`, as one update. */
function made(write: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  write(doc);
  return stateOf(doc);
}

/** A plain value nested `levels` deep, with `leaf` at the bottom. */
function nested(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { v: value };
  return value;
}

/** `levels` maps, one in the other, from the data map down. */
function nestedMaps(doc: Y.Doc, levels: number): Y.Map<unknown> {
  let map = doc.getMap('data') as Y.Map<unknown>;
  for (let i = 0; i < levels; i++) {
    const next = new Y.Map<unknown>();
    map.set('m', next);
    map = next;
  }
  return map;
}

describe('updateProblem', () => {
  it('accepts what the model writes: objects, arrays, texts, counters', () => {
    const model = createModel();
    model.add('todos', { id: 'a', title: 'x', done: false, tags: ['a', { deep: [1, 2, { ok: null }] }] });
    model.increment('todos.a.n', 3);
    model.stringInsert('todos.a.title', 1, 'yy');
    model.push('todos.a.tags', 'b');
    const ydoc = model.store.entry('todos', 'a')?.ydoc as Y.Doc;
    expect(updateProblem(new Y.Doc(), stateOf(ydoc))).toBeNull();
    model.close();
  });

  it('accepts items placed next to existing ones (their parent comes from the neighbour)', () => {
    const client = new Y.Doc();
    const list = new Y.Array<unknown>();
    client.getMap('data').set('list', list);
    list.push([1, 2]);
    const server = new Y.Doc();
    Y.applyUpdate(server, stateOf(client));
    const before = Y.encodeStateVector(client);
    list.insert(1, ['between']);
    list.push([{ x: 1 }]);
    expect(updateProblem(server, Y.encodeStateAsUpdate(client, before))).toBeNull();
  });

  it.each([
    ['a BigInt nested 70 levels deep', (doc: Y.Doc) => doc.getMap('data').set('x', nested(70, 1n)), /BigInt/],
    ['a BigInt at the top', (doc: Y.Doc) => doc.getMap('data').set('x', 5n), /BigInt/],
    ['undefined', (doc: Y.Doc) => doc.getMap('data').set('x', { a: undefined }), /undefined/],
    ['NaN', (doc: Y.Doc) => doc.getMap('data').set('x', [Number.NaN]), /NaN, which is not JSON/],
    ['binary data', (doc: Y.Doc) => doc.getMap('data').set('x', new Uint8Array([1, 2])), /binary data/],
    ['a subdocument', (doc: Y.Doc) => doc.getMap('data').set('x', new Y.Doc()), /subdocument/],
    ['an XML element', (doc: Y.Doc) => doc.getMap('data').set('x', new Y.XmlElement('p')), /creates a YXmlElement/],
    ['a plain value nested 150 levels deep', (doc: Y.Doc) => doc.getMap('data').set('x', nested(150, 1)), /deeper than 100 levels/],
    ['maps nested 101 levels deep', (doc: Y.Doc) => nestedMaps(doc, 101), /deeper than 100 levels/],
    ['a value at level 101 below 100 maps', (doc: Y.Doc) => nestedMaps(doc, 100).set('leaf', 1), /deeper than 100 levels/],
    ['content in another root map', (doc: Y.Doc) => doc.getMap('hidden').set('x', 'h'.repeat(1000)), /root type "hidden"/],
    ['text in another root type', (doc: Y.Doc) => doc.getText('quill').insert(0, 'hi'), /root type "quill"/],
    ['an embed in a text', (doc: Y.Doc) => {
      const text = new Y.Text();
      doc.getMap('data').set('t', text);
      text.insertEmbed(0, { image: 'x' });
    }, /other than characters/],
  ])('refuses %s as content', (_name, write, message) => {
    const problem = updateProblem(new Y.Doc(), made(write));
    expect(problem?.kind).toBe('content');
    expect(problem?.message).toMatch(message);
  });

  it('accepts 100 levels and refuses the 101st, counting the levels the document already has', () => {
    const client = new Y.Doc();
    const deepest = nestedMaps(client, 99);
    const server = new Y.Doc();
    expect(updateProblem(server, stateOf(client))).toBeNull();
    Y.applyUpdate(server, stateOf(client));
    const before = Y.encodeStateVector(client);
    deepest.set('leaf', 1);
    const leaf = Y.encodeStateAsUpdate(client, before);
    expect(updateProblem(server, leaf)).toBeNull();
    Y.applyUpdate(server, leaf);
    const again = Y.encodeStateVector(client);
    deepest.set('obj', { v: 1 });
    expect(updateProblem(server, Y.encodeStateAsUpdate(client, again))?.message).toMatch(/deeper than 100 levels/);
  });

  it('refuses bad content inserted next to existing items', () => {
    const client = new Y.Doc();
    const list = new Y.Array<unknown>();
    client.getMap('data').set('list', list);
    list.push([1]);
    const server = new Y.Doc();
    Y.applyUpdate(server, stateOf(client));
    const before = Y.encodeStateVector(client);
    list.push([nested(80, 2n)]);
    expect(updateProblem(server, Y.encodeStateAsUpdate(client, before))).toMatchObject({ kind: 'content', message: expect.stringMatching(/BigInt/) });
  });

  it('refuses a keyed entry in an array, whether the entry names its parent or takes it from the entry it replaces', () => {
    const client = new Y.Doc();
    const list = new Y.Array<unknown>();
    client.getMap('data').set('list', list);
    const server = new Y.Doc();
    Y.applyUpdate(server, stateOf(client));
    // A crafted write: a map entry put into the array (Y.Map's set works on any shared type).
    const keyedSet = (value: number): Uint8Array => {
      const before = Y.encodeStateVector(client);
      Y.Map.prototype.set.call(list as unknown as Y.Map<unknown>, 'k', value);
      return Y.encodeStateAsUpdate(client, before);
    };
    const first = keyedSet(1);
    expect(updateProblem(server, first)).toEqual({ kind: 'content', message: 'the update puts a keyed entry into an array' });
    // Let it in unchecked: the next write to the key carries no parent, only the entry it replaces.
    Y.applyUpdate(server, first);
    expect(updateProblem(server, keyedSet(2))).toEqual({ kind: 'content', message: 'the update puts a keyed entry into an array' });
  });

  it('refuses an entry without a key in the data map', () => {
    const update = made((doc) => doc.getArray('data').push([1]));
    expect(updateProblem(new Y.Doc(), update)).toEqual({ kind: 'content', message: 'the update puts an entry without a key into a map' });
  });

  it('reports updates it cannot integrate as structure problems', () => {
    expect(updateProblem(new Y.Doc(), Uint8Array.from([1, 2, 3, 255]))?.kind).toBe('structure');
    const client = new Y.Doc();
    client.getMap('data').set('a', 1);
    const before = Y.encodeStateVector(client);
    client.getMap('data').set('b', 2);
    expect(updateProblem(new Y.Doc(), Y.encodeStateAsUpdate(client, before))).toEqual({
      kind: 'structure',
      message: 'the update depends on updates the server does not have',
    });
  });
});
