/**
 * Bad input: for each case the exact answer (an error message or a close
 * code), exactly one log line, every other connection still served, and
 * nothing of the bad message in storage (also after the server closed, which
 * stores whatever is pending).
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { ackMessage } from '../../src/protocol/ack-message.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import type { ErrorMessage } from '../../src/protocol/error-message.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { pingMessage } from '../../src/protocol/ping-message.ts';
import { awarenessPayload, readPayload, step1Payload, step2Payload, updatePayload } from '../../src/protocol/sync-payload.ts';
import { memoryStorage, type ServerOptions } from '../../src/server/index.ts';
import { client, rawSocket, startServer, waitFor, type RawSocket } from '../helpers/sync-fixtures.ts';
import {
  closedWithin,
  deferred,
  EMPTY_STATE_VECTOR,
  fieldsUpdate,
  loadStored,
  logsSince,
  recordingStorage,
  roundTrip,
  sleep,
  subscribeFrame,
  updateFrame,
  useResources,
} from '../helpers/server-fixtures.ts';

const resources = useResources();
const BAD = 'todos/bad';
const secret = (): Uint8Array => fieldsUpdate({ secret: 'leak' });

/** An update whose structs decode but whose delete set is cut off: it fails half-way through applying. */
function halfUpdate(): Uint8Array {
  const full = secret();
  return full.slice(0, full.length - 1);
}

/** A BigInt 70 levels down a plain value (past the depth an earlier, recursive check looked at). */
function deepBigInt(): Uint8Array {
  let value: unknown = 7n;
  for (let i = 0; i < 70; i++) value = { v: value };
  return fieldsUpdate({ deep: value });
}

/** 200,000 characters in a root map that rules, schemas and queries never see. */
function hiddenRoot(): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('data').set('title', 'visible');
  doc.getMap('hidden').set('x', 'h'.repeat(200_000));
  return Y.encodeStateAsUpdate(doc);
}

type Answer = { readonly error: Partial<ErrorMessage> } | { readonly close: number } | { readonly silent: true };

interface BadCase {
  readonly name: string;
  readonly options?: Partial<ServerOptions>;
  /** Socket path: '' (multiplexed, default), '/todos/bad' (stock), or with a query. */
  readonly path?: string;
  readonly prepare?: (raw: RawSocket) => Promise<void>;
  readonly send: (raw: RawSocket) => void;
  readonly answer: Answer;
  readonly log: RegExp;
  /** Refused before the document is even loaded (no room, no storage load). */
  readonly loadsNothing?: boolean;
}

const subscribed = (raw: RawSocket, request: number) => raw.next((m) => m.kind === MessageKind.Subscribed && m.request === request);
const unknownKind = Uint8Array.from([42, 1, 2, 3]);
const padded = (bytes: number): Uint8Array => updateFrame(BAD, 1, new Uint8Array(bytes));

const badNames = ['todos', '_page/a', '$connection/a', 'todos/a b', '1todos/a', 'todos/__proto__', 'todos/a/b', '', 'todos/a\nwarn: forged line'];

const cases: readonly BadCase[] = [
  {
    name: 'a truncated frame',
    send: (r) => r.send(subscribeFrame(1, BAD).subarray(0, 4)),
    answer: { close: 4400 },
    log: /malformed frame/,
    loadsNothing: true,
  },
  {
    name: 'trailing bytes after a message',
    send: (r) => r.send(Uint8Array.from([...updateFrame(BAD, 1, secret()), 0])),
    answer: { close: 4400 },
    log: /malformed frame/,
    loadsNothing: true,
  },
  {
    name: 'a text frame',
    send: (r) => r.send('{"doc":"todos/bad"}'),
    answer: { close: 4400 },
    log: /text frame/,
    loadsNothing: true,
  },
  {
    name: 'an unknown message kind',
    send: (r) => r.send(unknownKind),
    answer: { error: { code: 'unknown-message', seq: 0, request: 0, doc: '' } },
    log: /unknown-message/,
  },
  {
    name: 'a message kind only servers send',
    send: (r) => r.send(ackMessage.encode({ seq: 1 })),
    answer: { error: { code: 'unknown-message', seq: 0, request: 0, doc: '' } },
    log: /unknown-message/,
  },
  {
    name: 'an update that cannot be decoded',
    send: (r) => r.send(updateFrame(BAD, 7, Uint8Array.from([1, 2, 3, 255, 255]))),
    answer: { error: { code: 'bad-update', seq: 7, request: 0, doc: BAD } },
    log: /bad-update for todos\/bad/,
  },
  {
    name: 'an update that fails half-way through applying',
    send: (r) => r.send(updateFrame(BAD, 8, halfUpdate())),
    answer: { error: { code: 'bad-update', seq: 8, doc: BAD } },
    log: /bad-update for todos\/bad/,
  },
  {
    name: 'an update holding a BigInt nested 70 levels deep',
    send: (r) => r.send(updateFrame(BAD, 10, deepBigInt())),
    answer: { error: { code: 'bad-update', seq: 10, doc: BAD, message: expect.stringMatching(/BigInt/) as unknown as string } },
    log: /bad-update for todos\/bad.*BigInt/,
  },
  {
    name: 'an update writing to a root type other than data',
    send: (r) => r.send(updateFrame(BAD, 11, hiddenRoot())),
    answer: { error: { code: 'bad-update', seq: 11, doc: BAD, message: expect.stringMatching(/root type "hidden"/) as unknown as string } },
    log: /bad-update for todos\/bad.*root type/,
  },
  {
    name: 'a sync step 2 that cannot be decoded',
    send: (r) => r.send(docMessage.encode({ doc: BAD, seq: 9, payload: step2Payload(Uint8Array.from([9, 9, 9])) })),
    answer: { error: { code: 'bad-update', seq: 9, doc: BAD } },
    log: /bad-update/,
  },
  {
    name: 'a payload that is not a y-protocols message',
    send: (r) => r.send(docMessage.encode({ doc: BAD, seq: 4, payload: Uint8Array.from([0, 9, 0]) })),
    answer: { error: { code: 'bad-payload', seq: 4, doc: BAD } },
    log: /bad-payload/,
  },
  {
    name: 'a subscribe with a state vector that cannot be decoded',
    send: (r) => r.send(subscribeFrame(3, BAD, 0, Uint8Array.from([5, 1]))),
    answer: { error: { code: 'bad-payload', request: 3, doc: BAD } },
    log: /bad-payload/,
  },
  {
    name: 'a subscribe with an unknown mode',
    send: (r) => r.send(subscribeFrame(3, BAD, 2)),
    answer: { error: { code: 'bad-payload', request: 3, doc: BAD } },
    log: /bad-payload.*mode/,
  },
  {
    name: 'awareness for a document the connection does not subscribe to',
    send: (r) => r.send(docMessage.encode({ doc: BAD, seq: 0, payload: awarenessPayload(Uint8Array.from([0])) })),
    answer: { error: { code: 'not-subscribed', doc: BAD } },
    log: /not-subscribed/,
  },
  ...badNames.map(
    (name): BadCase => ({
      name: `a subscribe to ${JSON.stringify(name)}`,
      send: (r) => r.send(subscribeFrame(5, name)),
      answer: { error: { code: 'bad-doc-name', request: 5, seq: 0, doc: name } },
      log: /bad-doc-name/,
    }),
  ),
  {
    name: 'an update to a bad document name',
    send: (r) => r.send(updateFrame('todos/a!', 6, secret())),
    answer: { error: { code: 'bad-doc-name', seq: 6, doc: 'todos/a!' } },
    log: /bad-doc-name/,
  },
  {
    name: 'an update over maxFrameBytes',
    options: { maxFrameBytes: 1024 },
    send: (r) => r.send(padded(1500)),
    answer: { error: { code: 'too-large', seq: 1, doc: BAD, message: expect.stringMatching(/at most 1024 bytes/) as unknown as string } },
    log: /too-large for todos\/bad/,
    loadsNothing: true,
  },
  {
    name: 'a frame over maxFrameBytes that is not an update',
    options: { maxFrameBytes: 1024 },
    send: (r) => r.send(subscribeFrame(1, BAD, 0, new Uint8Array(1500))),
    answer: { close: 4413 },
    log: /over the limit of 1024/,
    loadsNothing: true,
  },
  {
    name: 'a frame over twice maxFrameBytes',
    options: { maxFrameBytes: 1024 },
    send: (r) => r.send(padded(3000)),
    answer: { close: 1009 },
    log: /Max payload size exceeded/,
    loadsNothing: true,
  },
  {
    name: 'a subscription over maxSubscriptions',
    options: { maxSubscriptions: 2 },
    async prepare(raw) {
      raw.send(subscribeFrame(1, 'todos/s1'));
      raw.send(subscribeFrame(2, 'todos/s2'));
      raw.send(subscribeFrame(1, 'todos/s1'));
      await subscribed(raw, 2);
    },
    send: (r) => r.send(subscribeFrame(3, BAD)),
    answer: { error: { code: 'too-many-subscriptions', request: 3, doc: BAD } },
    log: /too-many-subscriptions/,
    loadsNothing: true,
  },
  {
    name: 'a fetch over maxSubscriptions, counting documents fetched lately',
    options: { maxSubscriptions: 2 },
    async prepare(raw) {
      raw.send(subscribeFrame(1, 'todos/s1', 1));
      raw.send(subscribeFrame(2, 'todos/s2', 1));
      await subscribed(raw, 2);
    },
    send: (r) => r.send(subscribeFrame(3, BAD, 1)),
    answer: { error: { code: 'too-many-subscriptions', request: 3, doc: BAD, message: expect.stringMatching(/fetched or written/) as unknown as string } },
    log: /too-many-subscriptions/,
    loadsNothing: true,
  },
  {
    name: 'a write to one more unsubscribed document than maxSubscriptions',
    options: { maxSubscriptions: 1 },
    async prepare(raw) {
      raw.send(updateFrame('todos/ok', 1, fieldsUpdate({ m: 1 })));
      await raw.next((m) => m.kind === MessageKind.Ack && m.seq === 1);
    },
    send: (r) => r.send(updateFrame(BAD, 2, secret())),
    answer: { error: { code: 'too-many-subscriptions', seq: 2, doc: BAD } },
    log: /too-many-subscriptions/,
    loadsNothing: true,
  },
  {
    name: 'more messages than maxQueuedBeforeAuth while authenticating',
    options: { maxQueuedBeforeAuth: 3 },
    path: '/?token=slow',
    send: (r) => {
      for (let seq = 1; seq <= 4; seq++) r.send(updateFrame(BAD, seq, fieldsUpdate({ [`f${seq}`]: seq })));
    },
    answer: { close: 4429 },
    log: /more than 3 messages before authentication/,
    loadsNothing: true,
  },
  { name: 'stock: a truncated message', path: '/todos/bad', send: (r) => r.send(Uint8Array.from([0, 2])), answer: { close: 4400 }, log: /malformed/ },
  { name: 'stock: an unknown message type', path: '/todos/bad', send: (r) => r.send(Uint8Array.from([7, 0])), answer: { close: 4400 }, log: /malformed/ },
  {
    name: 'stock: an update that cannot be decoded',
    path: '/todos/bad',
    send: (r) => r.send(updatePayload(Uint8Array.from([1, 2, 3, 255]))),
    answer: { silent: true },
    log: /update rejected/,
  },
  {
    name: 'stock: an update that fails half-way through applying',
    path: '/todos/bad',
    send: (r) => r.send(updatePayload(halfUpdate())),
    answer: { silent: true },
    log: /update rejected/,
  },
];

/** Checks that the socket is still served after an error answer. */
async function stillServed(raw: RawSocket, stock: boolean): Promise<void> {
  expect(raw.ws.readyState).toBe(WebSocket.OPEN);
  const before = raw.frames.length;
  raw.send(stock ? step1Payload(EMPTY_STATE_VECTOR) : pingMessage.encode({}));
  await waitFor(() => raw.frames.length > before, 2000, 'an answer on the same socket');
  if (stock) expect(readPayload(raw.frames.at(-1) as Uint8Array).type).toBe('step2');
  else expect(raw.messages.at(-1)?.kind).toBe(MessageKind.Pong);
}

describe('bad input', () => {
  it.each(cases.map((c) => [c.name, c] as const))('answers %s, logs one line and keeps serving', async (_name, c) => {
    const gate = deferred();
    resources.defer(() => gate.resolve());
    const authenticate = (request: { url?: string | undefined }) => (request.url?.includes('slow') ? gate.promise.then(() => ({})) : {});
    const storage = recordingStorage(memoryStorage(), { keepOpen: true });
    const t = resources.server(await startServer({ storage, authenticate, ...c.options }));
    const other = resources.model(client(t.url));
    await other.subscribe('todos.ok');
    const raw = resources.socket(await rawSocket(t.url, c.path ?? ''));
    if (c.path === '/todos/bad') await waitFor(() => raw.frames.length > 0, 2000, 'the stock step 1');
    await c.prepare?.(raw);
    await sleep(20);
    const from = t.logs.length;
    const rooms = t.server.roomCount;

    c.send(raw);
    if ('error' in c.answer) {
      const error = await raw.next((m) => m.kind === MessageKind.Error);
      expect(error).toMatchObject({ kind: MessageKind.Error, ...c.answer.error });
      expect(raw.messages.filter((m) => m.kind === MessageKind.Error)).toHaveLength(1);
    } else if ('close' in c.answer) {
      expect((await closedWithin(raw)).code).toBe(c.answer.close);
    }
    await waitFor(() => t.logs.length > from, 5000, 'the log line');
    // A second line would come before the answer to a later ping (or, on a closed or stock socket, within the delay).
    if (!('close' in c.answer) && !c.path) await roundTrip(raw);
    else await sleep(60);
    const lines = logsSince(t.logs, from);
    expect(lines, lines.join('\n')).toHaveLength(1);
    expect(lines[0]).toMatch(c.log);
    expect(lines[0]).toMatch(/^warn: /);
    expect(lines[0], 'a log line must stay one line').not.toMatch(/[\r\n]/);
    if (!('close' in c.answer)) await stillServed(raw, c.path === '/todos/bad');
    if (c.loadsNothing) {
      expect(t.server.roomCount).toBe(rooms);
      expect(storage.callsOf('load', BAD)).toEqual([]);
    }

    // Another client is still served.
    other.set('todos.ok.n', 42);
    await other.whenNothingPending();
    const fresh = resources.model(client(t.url));
    await fresh.fetch('todos.ok');
    expect(fresh.get('todos.ok.n')).toBe(42);

    // Nothing of the bad message is stored, also once everything pending is stored at close.
    await t.server.close();
    const writes = storage.calls.filter((call) => ['append', 'compact', 'saveJson'].includes(call.method));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter((call) => call.doc !== 'todos/ok')).toEqual([]);
    expect((await loadStored(storage.inner, BAD)).empty).toBe(true);
  });
});

describe('an update that fails half-way through applying', () => {
  it('precondition: its structs decode, applying it throws', () => {
    expect(() => Y.parseUpdateMeta(halfUpdate())).not.toThrow();
    expect(() => Y.applyUpdate(new Y.Doc(), halfUpdate())).toThrow();
  });

  it.each(['multiplexed', 'stock'])('from a %s client leaves nothing: not relayed, not sent to new subscribers, not stored later', async (kind) => {
    const storage = recordingStorage(memoryStorage(), { keepOpen: true });
    const t = resources.server(await startServer({ storage }));
    const watcher = resources.socket(await rawSocket(t.url));
    watcher.send(subscribeFrame(1, BAD));
    await subscribed(watcher, 1);
    const before = watcher.messages.length;
    if (kind === 'stock') {
      const stock = resources.socket(await rawSocket(t.url, `/${BAD}`));
      const from = t.logs.length;
      stock.send(updatePayload(halfUpdate()));
      await waitFor(() => t.logs.length > from, 2000, 'the log line');
    } else {
      const raw = resources.socket(await rawSocket(t.url));
      raw.send(updateFrame(BAD, 1, halfUpdate()));
      expect(await raw.next((m) => m.kind === MessageKind.Error)).toMatchObject({ code: 'bad-update', seq: 1 });
    }
    await roundTrip(watcher); // a relay of the bad update would have come before the pong
    expect.soft(watcher.messages.slice(before).filter((m) => m.kind !== MessageKind.Pong), 'relayed').toEqual([]);

    const fresh = resources.model(client(t.url));
    await fresh.subscribe('todos.bad');
    expect.soft(fresh.get('todos.bad'), 'sent to a new subscriber').toBeUndefined();
    fresh.set('todos.bad.ok', true);
    await fresh.whenNothingPending();
    await t.server.close();
    expect.soft((await loadStored(storage.inner, BAD)).value, 'stored').toEqual({ ok: true });
  });
});
