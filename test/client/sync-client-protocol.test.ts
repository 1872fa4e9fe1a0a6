import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SyncError, type CreateModelOptions, type Model } from '../../src/index.ts';
import { ackMessage } from '../../src/protocol/ack-message.ts';
import { docMessage, type DocMessage } from '../../src/protocol/doc-message.ts';
import { errorMessage } from '../../src/protocol/error-message.ts';
import type { Message } from '../../src/protocol/frame.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import type { SubscribeMessage } from '../../src/protocol/subscribe-message.ts';
import { subscribedMessage } from '../../src/protocol/subscribed-message.ts';
import { readPayload, step1Payload, step2Payload } from '../../src/protocol/sync-payload.ts';
import { FakeServer, Opened, recordStates, sleep } from '../helpers/client-fixtures.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

async function fake(): Promise<FakeServer> {
  const server = await FakeServer.start();
  opened.defer(() => server.close());
  return server;
}
async function online(url: string, options: CreateModelOptions = {}): Promise<Model> {
  const model = opened.model(client(url, options));
  await waitFor(() => model.connection.state === 'online', 5000, 'online');
  return model;
}
const docs = (messages: readonly Message[]): DocMessage[] => messages.filter((m): m is DocMessage => m.kind === MessageKind.Doc);
const subscribes = (messages: readonly Message[]): SubscribeMessage[] =>
  messages.filter((m): m is SubscribeMessage => m.kind === MessageKind.Subscribe);
/** The Yjs update carried by a doc message. */
function updateOf(message: DocMessage | undefined): Uint8Array {
  const payload = readPayload((message as DocMessage).payload);
  if (payload.type !== 'update' && payload.type !== 'step2') throw new Error(`not an update: ${payload.type}`);
  return payload.update;
}
/** The `data` map of a document rebuilt from updates. */
function rebuild(...updates: Uint8Array[]): unknown {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  const json = doc.getMap('data').toJSON();
  doc.destroy();
  return json;
}

describe('SyncClient on the wire', () => {
  it('sends each local change as a tracked update and never sends local collections', async () => {
    const server = await fake();
    const model = await online(server.url);
    model.set('todos.a.x', 1);
    model.set('_page.title', 'local');
    model.set('$app.flag', true);
    await model.subscribe('_page.title');
    model.set('todos.b.y', 2);
    await waitFor(() => docs(server.messages()).length === 2, 5000, 'two doc messages');
    await sleep(50);
    const sent = docs(server.messages());
    expect(sent.map((m) => [m.doc, m.seq])).toEqual([['todos/a', 1], ['todos/b', 2]]);
    expect(rebuild(updateOf(sent[0]))).toEqual({ x: 1 });
    expect(server.messages().filter((m) => m.kind !== MessageKind.Doc)).toEqual([]);
  });

  it('resends pending updates after a reconnect, merged per document under new numbers that keep their callbacks', async () => {
    const server = await fake();
    const model = await online(server.url);
    const settled: string[] = [];
    model.set('todos.a.x', 1, () => settled.push('a1'));
    model.set('todos.a.y', 2, () => settled.push('a2'));
    model.set('todos.b.n', 1, () => settled.push('b1'));
    model.set('todos.a.z', 3, () => settled.push('a3'));
    await waitFor(() => docs(server.messages(0)).length === 4, 5000, 'four updates');

    server.dropAll();
    await waitFor(() => docs(server.messages(1)).length === 2, 5000, 'the resent updates');
    const [a, b] = docs(server.messages(1));
    expect(a?.doc).toBe('todos/a');
    expect(b?.doc).toBe('todos/b');
    expect(a?.seq).toBeGreaterThan(4);
    expect(b?.seq).toBeGreaterThan(4);
    expect(a?.seq).not.toBe(b?.seq);
    expect(rebuild(updateOf(a))).toEqual({ x: 1, y: 2, z: 3 });
    expect(rebuild(updateOf(b))).toEqual({ n: 1 });

    server.send(ackMessage.encode({ seq: a?.seq as number }));
    await waitFor(() => settled.length === 3, 2000, 'the callbacks of todos/a');
    expect(settled.sort()).toEqual(['a1', 'a2', 'a3']);
    expect(model.hasPending()).toBe(true);
    server.send(ackMessage.encode({ seq: b?.seq as number }));
    await model.whenNothingPending();
    expect(settled).toContain('b1');
  });

  it('rejects the callback and whenNothingPending with the server’s error for that update', async () => {
    const server = await fake();
    const model = await online(server.url);
    const errors: Array<Error | undefined> = [];
    model.set('todos.a.x', 1, (error) => errors.push(error));
    const idle = model.whenNothingPending().then(
      () => null,
      (error: unknown) => error,
    );
    await waitFor(() => docs(server.messages()).length === 1, 5000, 'the update');
    const seq = (docs(server.messages())[0] as DocMessage).seq;
    server.send(errorMessage.encode({ seq, request: 0, doc: 'todos/a', code: 'bad-update', message: 'cannot apply' }));
    const error = await idle;
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'bad-update', doc: 'todos/a' });
    expect((error as Error).message).toMatch(/cannot apply/);
    await waitFor(() => errors.length === 1, 2000, 'the callback');
    expect(errors[0]).toBe(error);
    expect(model.hasPending()).toBe(false);
  });

  it('rejects a subscribe the server refuses, and can subscribe again later', async () => {
    const server = await fake();
    const model = await online(server.url);
    const refused = model.subscribe('todos.a');
    await waitFor(() => subscribes(server.messages()).length === 1, 5000, 'the subscribe');
    const first = subscribes(server.messages())[0] as SubscribeMessage;
    expect(first).toMatchObject({ doc: 'todos/a', mode: 0 });
    server.send(errorMessage.encode({ seq: 0, request: first.request, doc: 'todos/a', code: 'storage-failed', message: 'disk' }));
    await expect(refused).rejects.toMatchObject({ code: 'storage-failed' });

    const again = model.subscribe('todos.a');
    await waitFor(() => subscribes(server.messages()).length === 2, 5000, 'a second subscribe');
    const second = subscribes(server.messages())[1] as SubscribeMessage;
    expect(second.request).not.toBe(first.request);
    server.send(subscribedMessage.encode({ request: second.request, doc: 'todos/a' }));
    await expect(again).resolves.toBeUndefined();
  });

  it('subscribes again after a reconnect with its state vector, and fetches with mode 1', async () => {
    const server = await fake();
    const model = await online(server.url);
    const source = new Y.Doc();
    source.getMap('data').set('title', 'served');
    const subscribed = model.subscribe('todos.c');
    await waitFor(() => subscribes(server.messages(0)).length === 1, 5000, 'the subscribe');
    const request = subscribes(server.messages(0))[0] as SubscribeMessage;
    expect(request).toMatchObject({ doc: 'todos/c', mode: 0 });
    expect([...request.stateVector]).toEqual([0]); // an empty document's state vector
    server.send(docMessage.encode({ doc: 'todos/c', seq: 0, payload: step2Payload(Y.encodeStateAsUpdate(source)) }));
    server.send(subscribedMessage.encode({ request: request.request, doc: 'todos/c' }));
    await subscribed;
    expect(model.get('todos.c')).toEqual({ title: 'served' });

    server.dropAll();
    await waitFor(() => subscribes(server.messages(1)).length === 1, 5000, 'the subscribe after the reconnect');
    const resent = subscribes(server.messages(1))[0] as SubscribeMessage;
    expect(resent).toMatchObject({ doc: 'todos/c', mode: 0 });
    expect([...resent.stateVector]).toEqual([...Y.encodeStateVector(source)]);
    expect(docs(server.messages(1))).toEqual([]);

    const fetched = model.fetch('todos.f');
    fetched.catch(() => undefined); // never answered: rejected when the model closes
    await waitFor(() => subscribes(server.messages(1)).length === 2, 5000, 'the fetch');
    expect(subscribes(server.messages(1))[1]).toMatchObject({ doc: 'todos/f', mode: 1 });
    source.destroy();
  });

  it('answers the server’s step 1 with exactly what the server lacks, as a tracked update', async () => {
    const server = await fake();
    const model = await online(server.url);
    model.set('todos.a', { kept: 1 });
    await waitFor(() => docs(server.messages()).length === 1, 5000, 'the first update');
    const known = updateOf(docs(server.messages())[0]);
    const serverDoc = new Y.Doc();
    Y.applyUpdate(serverDoc, known);
    // The server knows the first write only; the client wrote more meanwhile (sent, but say it was lost).
    model.set('todos.a.extra', 2);
    server.send(docMessage.encode({ doc: 'todos/a', seq: 0, payload: step1Payload(Y.encodeStateVector(serverDoc)) }));
    await waitFor(() => docs(server.messages()).length === 3, 5000, 'the answer to step 1');
    const answer = docs(server.messages())[2] as DocMessage;
    expect(answer.seq).toBeGreaterThan(0);
    Y.applyUpdate(serverDoc, updateOf(answer));
    expect(serverDoc.getMap('data').toJSON()).toEqual({ kept: 1, extra: 2 });
    // A step 1 that covers everything gets no answer.
    server.send(docMessage.encode({ doc: 'todos/a', seq: 0, payload: step1Payload(Y.encodeStateVector(serverDoc)) }));
    await sleep(100);
    expect(docs(server.messages())).toHaveLength(3);
    serverDoc.destroy();
  });

  it('ignores frames it does not understand and stays online', async () => {
    const server = await fake();
    const model = await online(server.url);
    server.send(new Uint8Array([99, 1, 2]));
    server.send(new Uint8Array([]));
    server.send(ackMessage.encode({ seq: 12345 }));
    await sleep(100);
    expect(model.connection.state).toBe('online');
    model.set('todos.a.x', 1);
    await waitFor(() => docs(server.messages()).length === 1, 5000, 'an update after the junk');
  });

  it('pings after keepAliveMs of silence and drops a connection that stays silent', async () => {
    const server = await fake();
    const model = await online(server.url, { keepAliveMs: 100 });
    const states = recordStates(model);
    await waitFor(() => server.messages(0).some((m) => m.kind === MessageKind.Ping), 2000, 'a ping');
    await waitFor(() => states.states.some((s) => s.state === 'offline'), 2000, 'the silent connection to be dropped');
    await waitFor(() => server.sockets.length >= 2, 5000, 'a new connection');
    states.stop();
  });

  it('stays online with a server that answers its pings', async () => {
    const { url } = opened.server(await startServer());
    const model = await online(url, { keepAliveMs: 100 });
    const states = recordStates(model);
    await sleep(700);
    expect(states.states).toEqual([]);
    expect(model.connection.state).toBe('online');
    states.stop();
  });
});
