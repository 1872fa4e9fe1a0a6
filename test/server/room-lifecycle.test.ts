import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { readPayload } from '../../src/protocol/sync-payload.ts';
import { unsubscribeMessage } from '../../src/protocol/unsubscribe-message.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { client, rawSocket, startServer, waitFor, type RawSocket } from '../helpers/sync-fixtures.ts';
import {
  deferred,
  fieldsUpdate,
  loadStored,
  recordingStorage,
  sleep,
  storageKey,
  subscribeFrame,
  updateFrame,
  updateValue,
  useResources,
} from '../helpers/server-fixtures.ts';

const resources = useResources();
const TODO = storageKey('todos/a');

/** Sends an update and waits for its ack. */
async function write(raw: RawSocket, doc: string, seq: number, update: Uint8Array): Promise<void> {
  raw.send(updateFrame(doc, seq, update));
  await raw.next((m) => (m.kind === MessageKind.Ack && m.seq === seq) || (m.kind === MessageKind.Error && m.seq === seq));
  const error = raw.messages.find((m) => m.kind === MessageKind.Error && m.seq === seq);
  expect(error).toBeUndefined();
}

describe('room loading', () => {
  it('answers subscribers only once storage has loaded the document, never with an empty one first', async () => {
    const inner = memoryStorage();
    const seeded = new Y.Doc();
    const first = await inner.append(TODO, [fieldsUpdate({ title: 'stored' }, seeded)]);
    await inner.compact(TODO, Y.encodeStateAsUpdate(seeded), first);
    await inner.append(TODO, [fieldsUpdate({ n: 2 }, seeded)]);
    // Its JSON is current, so the server's start does not load it to rebuild the JSON.
    await inner.saveJson(TODO, JSON.stringify({ title: 'stored', n: 2 }));
    const gate = deferred();
    const storage = recordingStorage(inner, { beforeLoad: () => gate.promise });
    const t = resources.server(await startServer({ storage }));

    const raw = resources.socket(await rawSocket(t.url));
    raw.send(subscribeFrame(1, 'todos/a'));
    const stock = resources.socket(await rawSocket(t.url, '/todos/a'));
    const model = resources.model(client(t.url));
    const subscribed = model.subscribe('todos.a');
    await waitFor(() => storage.callsOf('load').length === 1, 2000, 'the load');
    await sleep(100);
    expect(raw.messages).toEqual([]);
    expect(stock.frames).toEqual([]);
    expect(model.get('todos.a')).toBeUndefined();

    gate.resolve();
    await raw.next((m) => m.kind === MessageKind.Subscribed);
    const firstMessage = raw.messages[0];
    if (firstMessage?.kind !== MessageKind.Doc) throw new Error(`expected a doc message first, got ${JSON.stringify(firstMessage)}`);
    const step2 = readPayload(firstMessage.payload);
    expect(step2.type).toBe('step2');
    expect(step2.type === 'step2' && updateValue(step2.update)).toEqual({ title: 'stored', n: 2 });

    await waitFor(() => stock.frames.length > 0, 2000, 'the stock step 1');
    const step1 = readPayload(stock.frames[0] as Uint8Array);
    expect(step1).toEqual({ type: 'step1', stateVector: Y.encodeStateVector(seeded) });
    await subscribed;
    expect(model.get('todos.a')).toEqual({ title: 'stored', n: 2 });
    expect(storage.callsOf('load')).toHaveLength(1);
  });

  it('keeps a room that is still loading even when loading takes longer than unloadDelayMs', async () => {
    const storage = recordingStorage(memoryStorage(), { beforeLoad: () => sleep(150) });
    const t = resources.server(await startServer({ storage, unloadDelayMs: 30 }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(subscribeFrame(1, 'todos/a'));
    await raw.next((m) => m.kind === MessageKind.Subscribed, 3000);
    await write(raw, 'todos/a', 1, fieldsUpdate({ title: 'after a slow load' }));
    await sleep(60);
    expect(t.server.roomCount).toBe(1);
    expect((await loadStored(storage, 'todos/a')).value).toEqual({ title: 'after a slow load' });
  });
});

describe('room unloading', () => {
  it('unloads a document after its last subscriber left and the idle delay passed, and reloads it intact', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, unloadDelayMs: 200 }));
    const a = client(t.url);
    const b = client(t.url);
    await Promise.all([a.subscribe('todos.a'), b.subscribe('todos.a')]);
    a.set('todos.a', { title: 'kept', tags: ['x'] });
    await a.whenNothingPending();
    a.close();
    await waitFor(() => t.server.connectionCount === 1, 2000, 'a gone');
    await sleep(300);
    expect(t.server.roomCount).toBe(1);

    b.close();
    await waitFor(() => t.server.connectionCount === 0, 2000, 'b gone');
    const left = Date.now();
    expect(t.server.roomCount).toBe(1);
    await waitFor(() => t.server.roomCount === 0, 3000, 'the unload');
    expect(Date.now() - left).toBeGreaterThanOrEqual(150);
    expect(storage.callsOf('load', 'todos/a')).toHaveLength(1);

    const c = resources.model(client(t.url));
    await c.subscribe('todos.a');
    expect(c.get('todos.a')).toEqual({ title: 'kept', tags: ['x'] });
    expect(storage.callsOf('load', 'todos/a')).toHaveLength(2);
    expect(t.server.roomCount).toBe(1);
  });

  it('keeps the room when a subscriber comes back inside the delay', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, unloadDelayMs: 250 }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(subscribeFrame(1, 'todos/a'));
    await raw.next((m) => m.kind === MessageKind.Subscribed && m.request === 1);
    raw.send(unsubscribeMessage.encode({ doc: 'todos/a' }));
    await sleep(120);
    raw.send(subscribeFrame(2, 'todos/a'));
    await raw.next((m) => m.kind === MessageKind.Subscribed && m.request === 2);
    await sleep(300);
    expect(t.server.roomCount).toBe(1);
    expect(storage.callsOf('load')).toHaveLength(1);

    raw.send(unsubscribeMessage.encode({ doc: 'todos/a' }));
    await waitFor(() => t.server.roomCount === 0, 3000, 'the unload');
    expect(storage.callsOf('load')).toHaveLength(1);
  });

  it('reloads a document requested while its unload is still storing, with every update', async () => {
    const compactGate = deferred();
    const storage = recordingStorage(memoryStorage(), { beforeCompact: () => compactGate.promise });
    const t = resources.server(await startServer({ storage, unloadDelayMs: 20 }));
    const first = resources.socket(await rawSocket(t.url));
    first.send(subscribeFrame(1, 'todos/a'));
    await first.next((m) => m.kind === MessageKind.Subscribed);
    await write(first, 'todos/a', 1, fieldsUpdate({ title: 'before unload' }));
    first.ws.close();
    await waitFor(() => storage.callsOf('compact').length === 1, 3000, 'the unload compaction');

    const second = resources.socket(await rawSocket(t.url));
    second.send(subscribeFrame(1, 'todos/a'));
    await sleep(50);
    compactGate.resolve();
    await second.next((m) => m.kind === MessageKind.Subscribed);
    const step2 = second.messages.find((m) => m.kind === MessageKind.Doc);
    const payload = step2?.kind === MessageKind.Doc ? readPayload(step2.payload) : null;
    expect(payload?.type === 'step2' && updateValue(payload.update)).toEqual({ title: 'before unload' });
  });
});

describe('compaction', () => {
  it('compacts the update log after compactAfterUpdates updates, and the compacted state loads the same', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, compactAfterUpdates: 3, compactAfterMs: 60_000 }));
    const raw = resources.socket(await rawSocket(t.url));
    const source = new Y.Doc();
    await write(raw, 'todos/a', 1, fieldsUpdate({ f1: 1 }, source));
    await write(raw, 'todos/a', 2, fieldsUpdate({ f2: 2 }, source));
    await sleep(60);
    expect(storage.callsOf('compact')).toHaveLength(0);

    await write(raw, 'todos/a', 3, fieldsUpdate({ f3: 3 }, source));
    await waitFor(() => storage.doneOf('compact').length === 1, 5000, 'the compaction');
    expect(storage.callsOf('compact')[0]?.seq).toBe(storage.callsOf('append')[2]?.seq);
    const loaded = await loadStored(storage, 'todos/a');
    expect(loaded.stored.updates).toHaveLength(0);
    expect(loaded.stored.state).not.toBeNull();
    expect(loaded.value).toEqual({ f1: 1, f2: 2, f3: 3 });
    expect(Y.encodeStateVector(loaded.doc)).toEqual(Y.encodeStateVector(source));

    await write(raw, 'todos/a', 4, fieldsUpdate({ f4: 4 }, source));
    await write(raw, 'todos/a', 5, fieldsUpdate({ f5: 5 }, source));
    await sleep(60);
    expect(storage.callsOf('compact')).toHaveLength(1);
    await write(raw, 'todos/a', 6, fieldsUpdate({ f6: 6 }, source));
    await waitFor(() => storage.doneOf('compact').length === 2, 5000, 'the second compaction');
    const again = await loadStored(storage, 'todos/a');
    expect(again.stored.updates).toHaveLength(0);
    expect(again.value).toEqual({ f1: 1, f2: 2, f3: 3, f4: 4, f5: 5, f6: 6 });
  });

  it('compacts compactAfterMs after the first update since the last compaction', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, compactAfterUpdates: 1000, compactAfterMs: 150 }));
    const raw = resources.socket(await rawSocket(t.url));
    const source = new Y.Doc();
    await write(raw, 'todos/a', 1, fieldsUpdate({ title: 'one' }, source));
    const firstAppend = storage.callsOf('append')[0]?.at ?? 0;
    await write(raw, 'todos/a', 2, fieldsUpdate({ n: 2 }, source));
    expect(storage.callsOf('compact')).toHaveLength(0);
    await waitFor(() => storage.doneOf('compact').length === 1, 5000, 'the timed compaction');
    expect((storage.callsOf('compact')[0]?.at ?? 0) - firstAppend).toBeGreaterThanOrEqual(140);
    const loaded = await loadStored(storage, 'todos/a');
    expect(loaded.stored.updates).toHaveLength(0);
    expect(loaded.value).toEqual({ title: 'one', n: 2 });
    expect(Y.encodeStateVector(loaded.doc)).toEqual(Y.encodeStateVector(source));

    await write(raw, 'todos/a', 3, fieldsUpdate({ n: 3 }, source));
    await waitFor(() => storage.doneOf('compact').length === 2, 5000, 'the next timed compaction');
    expect((await loadStored(storage, 'todos/a')).value).toEqual({ title: 'one', n: 3 });
  });
});

describe('JSON value', () => {
  it('saves the document JSON after jsonDelayMs (debounced), and null once it is deleted', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, jsonDelayMs: 200 }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    model.set('todos.a', { title: 'x', tags: ['a'] });
    model.increment('todos.a.views', 2);
    model.increment('todos.a.views', 3);
    await model.whenNothingPending();
    expect(storage.callsOf('saveJson')).toHaveLength(0);

    await waitFor(() => storage.doneOf('saveJson').length === 1, 5000, 'the JSON write');
    const json = await storage.loadJson(TODO);
    expect(JSON.parse(json ?? 'null')).toEqual({ title: 'x', tags: ['a'], views: 5 });
    expect(JSON.parse(json ?? 'null')).toEqual(model.get('todos.a'));
    await sleep(250);
    expect(storage.callsOf('saveJson')).toHaveLength(1);

    model.del('todos.a');
    await model.whenNothingPending();
    await waitFor(() => storage.doneOf('saveJson').length === 2, 5000, 'the JSON delete');
    expect(storage.callsOf('saveJson')[1]?.json).toBeNull();
    expect(await storage.loadJson(TODO)).toBeNull();
  });
});
