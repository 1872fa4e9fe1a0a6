import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createModel, MAX_PRESENCE_STATE_LENGTH } from '../../src/index.ts';
import { Opened } from '../helpers/client-fixtures.ts';
import { names, pair, rawPresence, ROOM, timed } from '../helpers/presence-fixtures.ts';
import { waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

describe('presence', () => {
  it('shows each model’s state to the other, under its client id', async () => {
    const { pa, pb } = await pair(opened);
    pa.set({ name: 'ada' });
    pb.set({ name: 'bob' });
    await waitFor(() => names(pb).includes('ada') && names(pa).includes('bob'), 5000, 'both to see each other');
    expect(pa.others()).toEqual([{ clientId: pb.clientId, state: { name: 'bob' } }]);
    expect(pb.others()).toEqual([{ clientId: pa.clientId, state: { name: 'ada' } }]);
    expect(pa.me).toEqual({ name: 'ada' });
    expect(Object.isFrozen(pa.me)).toBe(true);
    expect(Object.isFrozen(pa.others()[0]?.state)).toBe(true);
  });

  it('propagates update() and keeps an unchanged peer’s object and the list while nothing changes', async () => {
    const { url, pa, pb } = await pair(opened);
    const c = opened.connect(url).at(ROOM).presence;
    let heard = 0;
    pa.subscribe(() => (heard += 1));
    pb.set({ name: 'bob', cursor: { x: 0, y: 0 } });
    c.set({ name: 'cy' });
    await waitFor(() => names(pa).length === 2, 5000, 'a to see b and c');
    const cPeer = pa.others().find((peer) => peer.clientId === c.clientId);

    pb.update({ cursor: { x: 5, y: 7 } });
    await waitFor(() => pa.others().some((peer) => (peer.state['cursor'] as { x: number } | undefined)?.x === 5), 5000, 'the cursor');
    expect(pa.others().find((peer) => peer.clientId === pb.clientId)?.state).toEqual({ name: 'bob', cursor: { x: 5, y: 7 } });
    expect(pa.others().find((peer) => peer.clientId === c.clientId)).toBe(cPeer);

    // The same state again changes nothing anywhere.
    const list = pa.others();
    const before = heard;
    pb.update({ cursor: { x: 5, y: 7 } });
    pb.update({ missing: undefined });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(pa.others()).toBe(list);
    expect(heard).toBe(before);
    // `undefined` removes a key.
    pb.update({ cursor: undefined });
    expect(pb.me).toEqual({ name: 'bob' });
    await waitFor(() => pa.others().some((peer) => peer.clientId === pb.clientId && !('cursor' in peer.state)), 5000, 'cursor removed');
    // A changed state shares its unchanged parts with the previous one.
    pb.update({ cursor: { x: 1, y: 1 }, tags: ['a'] });
    await waitFor(() => pa.others().some((peer) => peer.state['cursor'] !== undefined), 5000, 'the new cursor');
    const cursor = pa.others().find((peer) => peer.clientId === pb.clientId)?.state['cursor'];
    pb.update({ name: 'bobby' });
    await waitFor(() => names(pa).includes('bobby'), 5000, 'the rename');
    expect(pa.others().find((peer) => peer.clientId === pb.clientId)?.state['cursor']).toBe(cursor);
  });

  it('removes my state from the others at once when I set null', async () => {
    const { pa, pb } = await pair(opened);
    pa.set({ name: 'ada' });
    pb.subscribe(() => undefined);
    await waitFor(() => names(pb).includes('ada'), 5000, 'b to see a');
    pa.set(null);
    const ms = await timed(() => pb.others().length === 0, 'a to leave');
    expect(ms).toBeLessThan(1000);
    expect(pa.me).toBeNull();
  });

  it('holds the document subscribed while in use and releases it afterwards', async () => {
    const { url } = await opened.serve();
    const model = opened.connect(url, { unloadDelayMs: 20 });
    const presence = model.at('rooms.r1.anything').presence;
    expect(presence).toBe(model.at(ROOM).presence);
    expect(presence.path).toBe(ROOM);
    expect(model.store.sync?.holdings().subscribe).toEqual([]);
    const stop = presence.subscribe(() => undefined);
    presence.set({ name: 'ada' });
    expect(model.store.sync?.holdings().subscribe).toEqual([{ collection: 'rooms', id: 'r1' }]);
    stop();
    expect(model.store.sync?.holdings().subscribe).toHaveLength(1); // my state still uses it
    presence.set(null);
    expect(model.store.sync?.holdings().subscribe).toEqual([]);
    await waitFor(() => model.get(ROOM) === undefined && !model.isLoaded(ROOM), 2000, 'the document to be released');
  });

  it('keeps its document while in use when the model unloads everything', async () => {
    const { url } = await opened.serve();
    const a = opened.connect(url, { unloadDelayMs: 20 });
    const pa = a.at(ROOM).presence;
    const pb = opened.connect(url).at(ROOM).presence;
    pa.set({ name: 'ada' });
    pb.set({ name: 'bob' });
    await waitFor(() => names(pb).includes('ada') && names(pa).includes('bob'), 5000, 'both to see each other');
    await a.unload();
    expect(a.store.sync?.holdings().subscribe).toEqual([{ collection: 'rooms', id: 'r1' }]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // well past the unload delay
    pb.update({ name: 'bobby' });
    await waitFor(() => names(pa).includes('bobby'), 5000, 'a to still hear b');
    expect(names(pb)).toEqual(['ada']);
  });

  it('notifies listeners of my changes and of others’, and a throwing listener does not stop the rest', async () => {
    const { pa, pb } = await pair(opened);
    const calls: string[] = [];
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    opened.defer(() => (console.error = original));
    pa.subscribe(() => {
      throw new Error('listener bug');
    });
    const stop = pa.subscribe(() => calls.push(`${String(pa.me?.['name'])}:${names(pa).join(',')}`));
    pa.set({ name: 'ada' });
    expect(calls).toEqual(['ada:']);
    pb.set({ name: 'bob' });
    await waitFor(() => calls.includes('ada:bob'), 5000, 'a listener to hear b');
    expect(errors.length).toBeGreaterThan(0);
    stop();
    stop();
    const count = calls.length;
    pa.set({ name: 'ada 2' });
    expect(calls).toHaveLength(count);
  });

  it('rejects bad input with errors naming the document and the problem', async () => {
    const { url } = await opened.serve();
    const model = opened.connect(url);
    expect(() => model.presence).toThrow(/presence\(''\).*belongs to a document/);
    expect(() => model.scope('rooms').presence).toThrow(/presence\('rooms'\).*model\.at\('collection\.docId'\)\.presence/);
    const presence = model.at(ROOM).presence;
    expect(() => presence.set('ada' as never)).toThrow(TypeError);
    expect(() => presence.set('ada' as never)).toThrow(/presence\.set\('rooms\.r1'\): the state must be a plain JSON object .* not a string/);
    expect(() => presence.set([1, 2] as never)).toThrow(/not an array/);
    expect(() => presence.set(new Date() as never)).toThrow(/not a Date instance/);
    expect(() => presence.set({ at: () => 1 } as never)).toThrow(/the state\.at is not JSON: a function is not JSON/);
    expect(() => presence.set({ n: Number.NaN })).toThrow(/the state\.n is not JSON: NaN is not a finite number/);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => presence.set(cyclic as never)).toThrow(/cycle/);
    expect(() => presence.set({ text: 'x'.repeat(MAX_PRESENCE_STATE_LENGTH) })).toThrow(RangeError);
    expect(() => presence.set({ text: 'x'.repeat(MAX_PRESENCE_STATE_LENGTH) })).toThrow(/more than the 65536 allowed/);
    expect(() => presence.update(null as never)).toThrow(/presence\.update\('rooms\.r1'\): the update must be a plain object/);
    expect(() => presence.subscribe('no' as never)).toThrow(TypeError);
    // Nothing was set or sent.
    expect(presence.me).toBeNull();
    expect(model.store.sync?.holdings().subscribe).toEqual([]);
    model.close();
    expect(() => presence.set({ name: 'late' })).toThrow(/presence\.set\('rooms\.r1'\): the model is closed/);
    expect(() => presence.set(null)).not.toThrow();
    expect(() => model.at(ROOM).presence).toThrow(/the model is closed/);
  });

  it('leaves out states that are not JSON objects', async () => {
    const { url, pb } = await pair(opened);
    pb.subscribe(() => undefined);
    // A raw client sends a state the server relays as is: a JSON value that is not an object is not a peer.
    await rawPresence(opened, url, 777, [1, 2, 3]);
    const raw2 = await rawPresence(opened, url, 778, { name: 'ok' });
    await waitFor(() => names(pb).includes('ok'), 5000, 'the valid peer');
    expect(pb.others().map((peer) => peer.clientId)).toEqual([778]);
    raw2.ws.terminate();
  });

  it('is shared with a stock y-websocket client, both ways', async () => {
    const { url, port } = await opened.serve();
    const presence = opened.connect(url).at(ROOM).presence;
    presence.set({ name: 'yracer' });
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${port}`, 'rooms/r1', doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    opened.defer(() => {
      provider.destroy();
      doc.destroy();
    });
    provider.awareness.setLocalState({ name: 'stock' });
    const stockSees = (): unknown => (provider.awareness.getStates().get(presence.clientId) as { name?: string } | undefined)?.name;
    await waitFor(() => stockSees() === 'yracer', 5000, 'the stock client to see yracer');
    await waitFor(() => names(presence).includes('stock'), 5000, 'yracer to see the stock client');
    expect(presence.others().find((peer) => peer.state['name'] === 'stock')?.clientId).toBe(doc.clientID);
    presence.update({ name: 'renamed' });
    await waitFor(() => stockSees() === 'renamed', 5000, 'the rename');
    provider.destroy();
    await waitFor(() => !names(presence).includes('stock'), 5000, 'the stock client to leave');
  });

  it('works between an in-process model and a socket client', async () => {
    const { server, url } = await opened.serve();
    const inProcess = server.createModel();
    opened.defer(() => inProcess.close());
    const local = inProcess.at(ROOM).presence;
    const remote = opened.connect(url).at(ROOM).presence;
    local.set({ name: 'server' });
    remote.set({ name: 'client' });
    await waitFor(() => names(remote).includes('server') && names(local).includes('client'), 5000, 'both to see each other');
    expect(remote.others()[0]?.clientId).toBe(local.clientId);
    local.update({ busy: true });
    await waitFor(() => remote.others()[0]?.state['busy'] === true, 5000, 'the update');
    inProcess.close();
    await waitFor(() => remote.others().length === 0, 5000, 'the closed in-process model to disappear');
  });

  it('is local in a model without a server: my state only, nobody else', () => {
    const model = createModel();
    opened.defer(() => model.close());
    const presence = model.at(ROOM).presence;
    let heard = 0;
    presence.subscribe(() => (heard += 1));
    presence.set({ name: 'solo' });
    presence.update({ cursor: 1 });
    expect(presence.me).toEqual({ name: 'solo', cursor: 1 });
    expect(presence.others()).toEqual([]);
    expect(heard).toBe(2);
    expect(model.at('_page.room').presence.others()).toEqual([]);
  });
});
