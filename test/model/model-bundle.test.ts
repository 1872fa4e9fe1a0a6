import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model, type ModelBundle } from '../../src/index.ts';
import { documentValue } from '../../src/model/paths/document-value.ts';
import { fromBase64, loadBundle, readBundle, toBase64 } from '../../src/model/model-bundle.ts';
import { createServer, memoryStorage, type SyncServer } from '../../src/server/index.ts';

const servers: SyncServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A server (not listening: in-process models only) whose storage holds `todos.a`, `todos.b` and `todos.c`. */
async function seeded(): Promise<SyncServer> {
  const server = createServer({ storage: memoryStorage(), log: () => undefined });
  servers.push(server);
  const writer = server.createModel();
  writer.add('todos', { id: 'a', title: 'Milk', n: 5, tags: ['x'] });
  writer.stringInsert('todos.a.title', 4, '!'); // the title is a Y.Text from now on
  writer.add('todos', { id: 'b', title: 'Bread', done: true });
  writer.add('todos', { id: 'c', title: 'Cheese' });
  await writer.whenNothingPending();
  writer.close();
  return server;
}

/** An in-process model holding todos.a (subscribed and fetched), todos.b (fetched), `_page` values and `$` state. */
async function origin(server: SyncServer): Promise<Model> {
  const model = server.createModel();
  await model.subscribe('todos.a');
  await model.fetch('todos.a', 'todos.b', 'todos.missing');
  model.set('_page.filter', 'active');
  model.set('_page.user', { name: 'Ann', roles: ['admin'] });
  model.set('$engine.state', 'not for the bundle');
  return model;
}

/** The value of a bundle's base64 Yjs state. */
function stateValue(state: string): unknown {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, fromBase64(state));
  return documentValue(doc);
}

/** Sends what `from` has and `to` lacks (a Yjs sync step) for one document. */
function syncDoc(from: Model, to: Model, path: string): void {
  const update = Y.encodeStateAsUpdate(from.yDoc(path), Y.encodeStateVector(to.yDoc(path)));
  Y.applyUpdate(to.yDoc(path), update, 'test-peer');
}

describe('model.bundle()', () => {
  it('lists documents with their Yjs state, _ values but no $ ones, and what was subscribed or fetched', async () => {
    const model = await origin(await seeded());
    const bundle = await model.bundle();
    expect(bundle.yracer).toBe(1);
    expect(bundle.docs.map(([collection, id]) => `${collection}.${id}`).sort()).toEqual(['todos.a', 'todos.b', 'todos.missing']);
    for (const [collection, id, state] of bundle.docs) {
      expect(stateValue(state)).toEqual(model.get(`${collection}.${id}`));
      const decoded = new Y.Doc();
      Y.applyUpdate(decoded, fromBase64(state));
      expect(Y.encodeStateVector(decoded)).toEqual(Y.encodeStateVector(model.yDoc(`${collection}.${id}`)));
    }
    expect([...bundle.local].sort()).toEqual([
      ['_page', 'filter', 'active'],
      ['_page', 'user', { name: 'Ann', roles: ['admin'] }],
    ]);
    expect(JSON.stringify(bundle)).not.toContain('$engine');
    expect(JSON.stringify(bundle)).not.toContain('$connection');
    expect(bundle.subscribe).toEqual(['todos.a']);
    expect([...bundle.fetch].sort()).toEqual(['todos.b', 'todos.missing']);
  });

  it('survives a JSON round trip unchanged', async () => {
    const model = await origin(await seeded());
    model.set('_page.text', 'ünïcødé 😀 </script> "quotes"');
    const bundle = await model.bundle();
    const parsed = JSON.parse(JSON.stringify(bundle)) as ModelBundle;
    expect(parsed).toEqual(bundle);
    const resumed = createModel({ bundle: parsed });
    expect(resumed.get('todos')).toEqual(model.get('todos'));
    expect(resumed.get('_page.text')).toBe('ünïcødé 😀 </script> "quotes"');
  });

  it('carries a document larger than one base64 chunk intact', async () => {
    const model = createModel();
    const long = Array.from({ length: 120_000 }, (_, i) => String.fromCharCode(33 + (i % 90))).join('');
    model.add('notes', { id: 'big', text: long });
    const bundle = JSON.parse(JSON.stringify(await model.bundle())) as ModelBundle;
    expect(createModel({ bundle }).get('notes.big.text')).toBe(long);
  });

  it('encodes and decodes every byte value in base64', () => {
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(toBase64(new Uint8Array())).toBe('');
  });
});

describe('createModel({ bundle })', () => {
  it('has the same get() values as the model that made the bundle', async () => {
    const model = await origin(await seeded());
    const resumed = createModel({ bundle: await model.bundle() });
    expect(resumed.get('todos')).toEqual(model.get('todos'));
    expect(resumed.get('todos.a')).toEqual({ id: 'a', title: 'Milk!', n: 5, tags: ['x'] });
    expect(resumed.get('todos.missing')).toBeUndefined();
    expect(resumed.get('_page')).toEqual({ filter: 'active', user: { name: 'Ann', roles: ['admin'] } });
    expect(resumed.get('$engine')).toBeUndefined();
  });

  it('merges later concurrent edits of the origin and the resumed model exactly', async () => {
    const model = await origin(await seeded());
    const resumed = createModel({ bundle: await model.bundle() });
    model.stringInsert('todos.a.title', 0, 'Oat ');
    model.increment('todos.a.n', 1);
    model.push('todos.a.tags', 'from-origin');
    resumed.stringInsert('todos.a.title', 5, ' and eggs');
    resumed.increment('todos.a.n', 1);
    resumed.push('todos.a.tags', 'from-resumed');
    syncDoc(model, resumed, 'todos.a');
    syncDoc(resumed, model, 'todos.a');
    const merged = resumed.get<{ title: string; n: number; tags: string[] }>('todos.a');
    expect(model.get('todos.a')).toEqual(merged);
    expect(merged?.title).toBe('Oat Milk! and eggs');
    expect(merged?.n).toBe(7);
    expect([...(merged?.tags ?? [])].sort()).toEqual(['from-origin', 'from-resumed', 'x']);
  });

  it('applies an update the origin made after bundling without duplicating anything', async () => {
    const model = await origin(await seeded());
    const bundle = await model.bundle();
    const before = Y.encodeStateVector(model.yDoc('todos.a'));
    model.push('todos.a.tags', 'later');
    const resumed = createModel({ bundle });
    Y.applyUpdate(resumed.yDoc('todos.a'), Y.encodeStateAsUpdate(model.yDoc('todos.a'), before), 'test-peer');
    Y.applyUpdate(resumed.yDoc('todos.a'), Y.encodeStateAsUpdate(model.yDoc('todos.a'))); // all of it again: idempotent
    expect(resumed.get('todos.a.tags')).toEqual(['x', 'later']);
  });

  // Bug: createBundle includes every document with Yjs state, loaded or not, and loadBundle marks each
  // loaded: a document the origin only wrote to (never fetched, isLoaded false there) resumes as loaded
  // with just the written fields, and nothing fetches the rest (useDoc shows a partial document).
  it('does not resume a document the origin wrote to but never loaded as loaded', async () => {
    const server = await seeded();
    const model = server.createModel();
    model.set('todos.c.seen', true);
    await model.whenNothingPending();
    expect(model.isLoaded('todos.c')).toBe(false);
    const resumed = createModel({ url: 'ws://127.0.0.1:1/', WebSocket: class {} as never, connect: false, bundle: await model.bundle() });
    expect(resumed.get('todos.c')).toEqual({ seen: true });
    expect(resumed.isLoaded('todos.c')).toBe(false);
  });

  it('resumes a bundle of a model without a server (local documents only, nothing held)', async () => {
    const local = createModel();
    local.add('todos', { id: 'z', title: 'offline' });
    const bundle = await local.bundle();
    expect(bundle.subscribe).toEqual([]);
    expect(bundle.fetch).toEqual([]);
    expect(createModel({ bundle }).get('todos.z')).toEqual({ id: 'z', title: 'offline' });
  });
});

/** A valid bundle with one document, one local value, one subscription and one fetch. */
function validBundle(): Record<string, unknown> {
  const doc = new Y.Doc();
  doc.getMap('data').set('title', 'ok');
  const state = toBase64(Y.encodeStateAsUpdate(doc));
  return { yracer: 1, docs: [['todos', 'a', state]], local: [['_page', 'x', 1]], subscribe: ['todos.a'], fetch: ['todos.b'] };
}

const with_ = (changes: Record<string, unknown>): Record<string, unknown> => ({ ...validBundle(), ...changes });
const state = (validBundle()['docs'] as Array<[string, string, string]>)[0]?.[2] as string;

describe('malformed bundles', () => {
  const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['null', null, /expected the object model\.bundle\(\) returned/],
    ['a string', 'bundle', /expected the object/],
    ['a missing version', with_({ yracer: undefined }), /unsupported version undefined/],
    ['a newer version', with_({ yracer: 2 }), /unsupported version 2 \(this yracer reads 1\)/],
    ['docs that are not an array', with_({ docs: {} }), /"docs" must be an array/],
    ['local that is missing', with_({ local: undefined }), /"local" must be an array/],
    ['fetch that is a string', with_({ fetch: 'todos.b' }), /"fetch" must be an array/],
    ['a doc entry that is not a triple', with_({ docs: [['todos', 'a']] }), /docs\[0\] must be \[collection, id, base64 state\]/],
    ['a doc state that is not a string', with_({ docs: [['todos', 'a', 42]] }), /docs\[0\] must be/],
    ['a doc id with a dot', with_({ docs: [['todos', 'a.b', state]] }), /docs\[0\] names no valid document \("todos", "a\.b"\)/],
    ['a doc id __proto__', with_({ docs: [['todos', '__proto__', state]] }), /docs\[0\] names no valid document/],
    ['an empty collection name', with_({ docs: [['', 'a', state]] }), /docs\[0\] names no valid document/],
    ['a _ collection in docs', with_({ docs: [['_page', 'a', state]] }), /docs\[0\] is in a local collection/],
    ['a $ collection in docs', with_({ docs: [['$connection', 'a', state]] }), /docs\[0\] is in a local collection/],
    ['a state that is not base64', with_({ docs: [['todos', 'a', '!!not base64!!']] }), /docs\[0\] \(todos\.a\) has a state that is not base64/],
    ['a local value outside a _ collection', with_({ local: [['todos', 'x', 1]] }), /local\[0\] is not in a "_" collection/],
    ['a local entry that is not a triple', with_({ local: ['_page.x'] }), /local\[0\] must be \[collection, id, value\]/],
    ['a subscribe entry without an id', with_({ subscribe: ['todos'] }), /subscribe\[0\] names no valid document/],
    ['a subscribe entry with a field', with_({ subscribe: ['todos.a.title'] }), /subscribe\[0\] must be "collection\.id"/],
    ['a subscribe entry that is not a string', with_({ subscribe: [42] }), /subscribe\[0\] names no valid document/],
    ['a fetch entry with a bad id', with_({ fetch: ['todos.__proto__'] }), /fetch\[0\] names no valid document/],
  ];

  for (const [what, bundle, message] of cases) {
    it(`throws a TypeError naming the problem for ${what}`, () => {
      expect(() => readBundle(bundle)).toThrow(TypeError);
      expect(() => readBundle(bundle)).toThrow(/^yracer bundle: /);
      expect(() => readBundle(bundle)).toThrow(message);
      expect(() => createModel({ bundle: bundle as ModelBundle })).toThrow(message);
    });
  }

  it('throws an Error naming the document whose Yjs state cannot be applied', () => {
    const bundle = with_({ docs: [['todos', 'bad', toBase64(Uint8Array.of(1, 2, 3))]] });
    expect(() => readBundle(bundle)).not.toThrow();
    expect(() => createModel({ bundle: bundle as unknown as ModelBundle })).toThrow(/yracer bundle: the state of todos\.bad cannot be applied/);
  });

  it('throws an Error naming the path for a local value the model refuses', () => {
    const bundle = with_({ local: [['_page', 'x', { 'a.b': 1 }]] });
    expect(() => createModel({ bundle: bundle as unknown as ModelBundle })).toThrow(/_page\.x/);
  });

  it('opens no connection when the bundle is malformed', () => {
    let sockets = 0;
    class CountingSocket {
      constructor() {
        sockets += 1;
        throw new Error('no socket expected');
      }
    }
    const bad = with_({ docs: [['todos', 'a', state], ['todos', 'bad', toBase64(Uint8Array.of(1, 2, 3))]] });
    expect(() => createModel({ url: 'ws://127.0.0.1:1/', WebSocket: CountingSocket as never, bundle: bad as unknown as ModelBundle })).toThrow(
      /todos\.bad/,
    );
    expect(() => createModel({ url: 'ws://127.0.0.1:1/', WebSocket: CountingSocket as never, bundle: with_({ yracer: 0 }) as never })).toThrow(TypeError);
    expect(sockets).toBe(0);
  });

  it('checks the whole bundle before applying any of it', () => {
    // readBundle finds shape problems anywhere before loadBundle applies a thing ...
    const model = createModel();
    expect(() => loadBundle(model, readBundle(with_({ docs: [['todos', 'a', state], ['todos', 'b.c', state]] })))).toThrow(/docs\[1\]/);
    expect(model.get('todos')).toBeUndefined();
    expect(() => loadBundle(model, readBundle(with_({ local: [['_page', 'x', 1], ['todos', 'y', 2]] })))).toThrow(/local\[1\]/);
    expect(model.get('_page')).toBeUndefined();
  });

  // An undecodable Yjs state is found only by applying it: loadBundle applies every state to a
  // scratch document first, so the documents before the bad one are not loaded either.
  it('applies nothing of a bundle whose later document state cannot be applied', () => {
    const model = createModel();
    const bad = readBundle(with_({ docs: [['todos', 'a', state], ['todos', 'bad', toBase64(Uint8Array.of(1, 2, 3))]] }));
    expect(() => loadBundle(model, bad)).toThrow(/yracer bundle: the state of todos\.bad cannot be applied/);
    expect(model.get('todos.a')).toBeUndefined();
  });

  it('applies nothing of a bundle whose later local value the model refuses', () => {
    const model = createModel();
    const bad = readBundle(with_({ local: [['_page', 'x', 1], ['_page', 'y', { 'a.b': 1 }]] }));
    expect(() => loadBundle(model, bad)).toThrow(/yracer bundle: the value of _page\.y cannot be set \(value\.a\.b: the key "a\.b" contains a dot/);
    expect(model.get('todos.a')).toBeUndefined();
    expect(model.get('_page')).toBeUndefined();
  });
});
