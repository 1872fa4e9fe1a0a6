import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { subscribeManyMessage } from '../../src/protocol/subscribe-many-message.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { pingMessage } from '../../src/protocol/ping-message.ts';
import { awarenessPayload, readPayload, step1Payload, type SyncPayload } from '../../src/protocol/sync-payload.ts';
import { unsubscribeMessage } from '../../src/protocol/unsubscribe-message.ts';
import type { Message } from '../../src/protocol/frame.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { rawSocket, startServer, waitFor, type RawSocket } from '../helpers/sync-fixtures.ts';
import {
  deferred,
  fieldsUpdate,
  loadStored,
  recordingStorage,
  roundTrip,
  sleep,
  storageKey,
  subscribeFrame,
  updateFrame,
  updateValue,
  useResources,
  withoutPongs,
} from '../helpers/server-fixtures.ts';

const resources = useResources();

/** A message in short form: `subscribed 1`, `ack 2`, `step2 todos/a`, ... */
function describeMessage(m: Message): string {
  if (m.kind === MessageKind.Doc) return `${readPayload(m.payload).type} ${m.doc}`;
  if (m.kind === MessageKind.Subscribed) return `subscribed ${m.request}`;
  if (m.kind === MessageKind.Ack) return `ack ${m.seq}`;
  if (m.kind === MessageKind.Error) return `error ${m.code}`;
  return `kind ${m.kind}`;
}

const payloads = (raw: RawSocket, doc: string, type: SyncPayload['type']): SyncPayload[] =>
  raw.messages.flatMap((m) => (m.kind === MessageKind.Doc && m.doc === doc ? [readPayload(m.payload)] : [])).filter((p) => p.type === type);

function awarenessUpdate(clientID: number, state: Record<string, unknown> | null): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(state);
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientID]);
  awareness.destroy();
  return update;
}

describe('multiplexed connection: subscribe', () => {
  it('announces its limits in a limits message', async () => {
    const t = resources.server(await startServer({ maxFrameBytes: 12_345 }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(pingMessage.encode({}));
    await raw.next((m) => m.kind === MessageKind.Pong);
    expect(raw.limits).toEqual([
      {
        kind: MessageKind.Limits,
        limits: [
          { name: 'maxFrameBytes', value: 12_345 },
          { name: 'maxMessagesPerSecond', value: 1000 },
          { name: 'messageBurst', value: 2000 },
          { name: 'maxSubscriptions', value: 10_000 },
        ],
      },
    ]);
  });

  it('answers each entry of a subscribe-many as its own subscribe', async () => {
    const t = resources.server(await startServer());
    const raw = resources.socket(await rawSocket(t.url));
    const EMPTY = Y.encodeStateVector(new Y.Doc());
    raw.send(
      subscribeManyMessage.encode({
        mode: 0,
        docs: [
          { request: 1, doc: 'todos/a', stateVector: EMPTY },
          { request: 2, doc: 'bad name', stateVector: EMPTY },
          { request: 3, doc: 'todos/b', stateVector: EMPTY },
        ],
      }),
    );
    await raw.next((m) => m.kind === MessageKind.Subscribed && m.request === 3);
    expect(raw.messages.filter((m) => m.kind === MessageKind.Subscribed).map((m) => (m as { request: number }).request)).toEqual([1, 3]);
    expect(raw.messages.find((m) => m.kind === MessageKind.Error)).toMatchObject({ request: 2, code: 'bad-doc-name' });
    raw.send(updateFrame('todos/b', 1, fieldsUpdate({ later: true })));
    await raw.next((m) => m.kind === MessageKind.Ack);
  });

  it('answers with sync step 2 (what the client lacks), step 1, awareness, then subscribed', async () => {
    const storage = memoryStorage();
    const source = new Y.Doc();
    const first = fieldsUpdate({ one: 1 }, source);
    await storage.append(storageKey('todos/a'), [first]);
    const clientKnows = Y.encodeStateVector(source);
    await storage.append(storageKey('todos/a'), [fieldsUpdate({ two: 2 }, source)]);
    const t = resources.server(await startServer({ storage }));
    const present = resources.socket(await rawSocket(t.url));
    present.send(subscribeFrame(1, 'todos/a'));
    await present.next((m) => m.kind === MessageKind.Subscribed);
    present.send(docMessage.encode({ doc: 'todos/a', seq: 0, payload: awarenessPayload(awarenessUpdate(77, { user: 'ann' })) }));
    await present.next((m) => m.kind === MessageKind.Doc && readPayload(m.payload).type === 'awareness');

    const raw = resources.socket(await rawSocket(t.url));
    raw.send(subscribeFrame(9, 'todos/a', 0, clientKnows));
    await raw.next((m) => m.kind === MessageKind.Subscribed);
    expect(raw.messages.map(describeMessage)).toEqual(['step2 todos/a', 'step1 todos/a', 'awareness todos/a', 'subscribed 9']);
    const [step2] = payloads(raw, 'todos/a', 'step2');
    const [step1] = payloads(raw, 'todos/a', 'step1');
    expect(step1).toEqual({ type: 'step1', stateVector: Y.encodeStateVector(source) });
    // Only what the client lacks: it starts where the client's state vector ends.
    const diff = step2?.type === 'step2' ? step2.update : new Uint8Array();
    expect(Y.parseUpdateMeta(diff).from).toEqual(Y.decodeStateVector(clientKnows));
    const client = new Y.Doc();
    Y.applyUpdate(client, first);
    Y.applyUpdate(client, diff);
    expect(client.getMap('data').toJSON()).toEqual({ one: 1, two: 2 });
    const [awareness] = payloads(raw, 'todos/a', 'awareness');
    const states = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(states, awareness?.type === 'awareness' ? awareness.update : new Uint8Array(), null);
    expect(states.getStates().get(77)).toEqual({ user: 'ann' });
    states.destroy();
  });

  it('sends later updates to subscribers, not to fetches, and stops after unsubscribe', async () => {
    const t = resources.server(await startServer());
    const subscriber = resources.socket(await rawSocket(t.url));
    const fetcher = resources.socket(await rawSocket(t.url));
    const writer = resources.socket(await rawSocket(t.url));
    subscriber.send(subscribeFrame(1, 'todos/a'));
    fetcher.send(subscribeFrame(1, 'todos/a', 1));
    await subscriber.next((m) => m.kind === MessageKind.Subscribed);
    await fetcher.next((m) => m.kind === MessageKind.Subscribed);
    expect(fetcher.messages.map(describeMessage)).toEqual(['step2 todos/a', 'step1 todos/a', 'subscribed 1']);

    const source = new Y.Doc();
    writer.send(updateFrame('todos/a', 1, fieldsUpdate({ n: 1 }, source)));
    await writer.next((m) => m.kind === MessageKind.Ack && m.seq === 1);
    await waitFor(() => payloads(subscriber, 'todos/a', 'update').length === 1, 2000, 'the relayed update');
    subscriber.send(unsubscribeMessage.encode({ doc: 'todos/a' }));
    await roundTrip(subscriber); // the unsubscribe is handled
    writer.send(updateFrame('todos/a', 2, fieldsUpdate({ n: 2 }, source)));
    await writer.next((m) => m.kind === MessageKind.Ack && m.seq === 2);
    // A relay of update 2 would reach each socket before the answer to a ping sent after its ack.
    await Promise.all([roundTrip(subscriber), roundTrip(fetcher), roundTrip(writer)]);
    expect(payloads(subscriber, 'todos/a', 'update')).toHaveLength(1);
    expect(payloads(fetcher, 'todos/a', 'update')).toHaveLength(0);
    expect(payloads(writer, 'todos/a', 'update')).toHaveLength(0);
  });
});

describe('multiplexed connection: writes', () => {
  it('acks a tracked update only once storage has it, and never an untracked one (seq 0)', async () => {
    const gate = deferred();
    const storage = recordingStorage(memoryStorage(), { beforeAppend: () => gate.promise });
    resources.defer(() => gate.resolve());
    const t = resources.server(await startServer({ storage }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(updateFrame('todos/a', 0, fieldsUpdate({ untracked: true })));
    raw.send(updateFrame('todos/a', 5, fieldsUpdate({ tracked: true })));
    await waitFor(() => storage.callsOf('append').length >= 1, 2000, 'an append');
    await sleep(80);
    expect(raw.messages).toEqual([]);
    gate.resolve();
    await raw.next((m) => m.kind === MessageKind.Ack);
    await roundTrip(raw); // both updates handled: an ack of the untracked one would have come before the pong
    expect(withoutPongs(raw).map(describeMessage)).toEqual(['ack 5']);
    expect((await loadStored(storage, 'todos/a')).value).toEqual({ untracked: true, tracked: true });
  });

  it('answers a sync step 1 from the client with what it lacks', async () => {
    const storage = memoryStorage();
    await storage.append(storageKey('todos/a'), [fieldsUpdate({ title: 'stored' })]);
    const t = resources.server(await startServer({ storage }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(docMessage.encode({ doc: 'todos/a', seq: 0, payload: step1Payload(Y.encodeStateVector(new Y.Doc())) }));
    await waitFor(() => payloads(raw, 'todos/a', 'step2').length === 1, 2000, 'the step 2');
    const [step2] = payloads(raw, 'todos/a', 'step2');
    expect(step2?.type === 'step2' && updateValue(step2.update)).toEqual({ title: 'stored' });
  });

  it('accepts writes to documents the connection does not subscribe to, and unloads them afterwards', async () => {
    const t = resources.server(await startServer({ unloadDelayMs: 50 }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(updateFrame('todos/elsewhere', 1, fieldsUpdate({ x: 1 })));
    await raw.next((m) => m.kind === MessageKind.Ack);
    expect((await loadStored(t.storage, 'todos/elsewhere')).value).toEqual({ x: 1 });
    await waitFor(() => t.server.roomCount === 0, 2000, 'the unload');
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
  });

  it('reports storage-failed for a failed load or append, without an ack, and keeps serving', async () => {
    let failLoads = 1;
    const inner = memoryStorage();
    const storage = {
      ...inner,
      load: (key: { collection: string; id: string }) =>
        key.id === 'broken' && failLoads-- > 0 ? Promise.reject(new Error('disk on fire')) : inner.load(key),
      append: (key: { collection: string; id: string }, updates: readonly Uint8Array[]) =>
        key.id === 'readonly' ? Promise.reject(new Error('read-only')) : inner.append(key, updates),
    };
    const t = resources.server(await startServer({ storage }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(subscribeFrame(1, 'todos/broken'));
    expect(await raw.next((m) => m.kind === MessageKind.Error)).toMatchObject({ code: 'storage-failed', request: 1, doc: 'todos/broken' });
    raw.send(subscribeFrame(2, 'todos/broken'));
    await raw.next((m) => m.kind === MessageKind.Subscribed && m.request === 2);

    raw.send(updateFrame('todos/readonly', 3, fieldsUpdate({ x: 1 })));
    expect(await raw.next((m) => m.kind === MessageKind.Error && m.seq === 3)).toMatchObject({ code: 'storage-failed', doc: 'todos/readonly' });
    raw.send(pingMessage.encode({}));
    await raw.next((m) => m.kind === MessageKind.Pong);
    expect(raw.messages.filter((m) => m.kind === MessageKind.Ack)).toEqual([]);
  });
  it('sends error messages a client can decode even when the storage error is long', async () => {
    const inner = memoryStorage();
    const storage = { ...inner, load: () => Promise.reject(new Error(`SQLITE_ERROR: ${'x'.repeat(5000)}`)) };
    const t = resources.server(await startServer({ storage }));
    const raw = resources.socket(await rawSocket(t.url));
    raw.send(subscribeFrame(1, 'todos/a'));
    await waitFor(() => raw.frames.length > 0, 5000, 'an answer');
    await roundTrip(raw); // nothing else follows the error
    expect(raw.frames.length).toBe(2); // the error and the pong, both decoded
    expect(raw.messages).toHaveLength(2);
    expect(raw.messages[0]).toMatchObject({ kind: MessageKind.Error, code: 'storage-failed', request: 1, doc: 'todos/a' });
  });
});

describe('multiplexed connection: awareness', () => {
  it('relays awareness to subscribers, answers queries, and removes the states of a connection that leaves', async () => {
    const t = resources.server(await startServer());
    const ann = resources.socket(await rawSocket(t.url));
    const bob = resources.socket(await rawSocket(t.url));
    for (const raw of [ann, bob]) raw.send(subscribeFrame(1, 'todos/a'));
    await ann.next((m) => m.kind === MessageKind.Subscribed);
    await bob.next((m) => m.kind === MessageKind.Subscribed);
    ann.send(docMessage.encode({ doc: 'todos/a', seq: 0, payload: awarenessPayload(awarenessUpdate(11, { user: 'ann' })) }));

    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    resources.defer(() => seen.destroy());
    const apply = (): void => {
      for (const p of payloads(bob, 'todos/a', 'awareness')) if (p.type === 'awareness') awarenessProtocol.applyAwarenessUpdate(seen, p.update, null);
    };
    await waitFor(() => payloads(bob, 'todos/a', 'awareness').length === 1, 2000, 'the relayed awareness');
    apply();
    expect(seen.getStates().get(11)).toEqual({ user: 'ann' });

    const before = payloads(bob, 'todos/a', 'awareness').length;
    bob.send(docMessage.encode({ doc: 'todos/a', seq: 0, payload: Uint8Array.from([3]) }));
    await waitFor(() => payloads(bob, 'todos/a', 'awareness').length === before + 1, 2000, 'the query answer');

    ann.ws.close();
    await waitFor(() => payloads(bob, 'todos/a', 'awareness').length === before + 2, 2000, 'the removal');
    apply();
    expect(seen.getStates().has(11)).toBe(false);
  });
});
