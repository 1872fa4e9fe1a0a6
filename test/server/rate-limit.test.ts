/** The per-connection message rate limit (a token bucket: `maxMessagesPerSecond`, `messageBurst`). */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Model } from '../../src/index.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { pingMessage } from '../../src/protocol/ping-message.ts';
import { readPayload, updatePayload } from '../../src/protocol/sync-payload.ts';
import { resolveServerOptions } from '../../src/server/server-options.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { freePort, reusable, startServerOn } from '../helpers/client-fixtures.ts';
import { client, rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import {
  closedWithin,
  fieldsUpdate,
  loadStored,
  recordingStorage,
  sleep,
  subscribeFrame,
  updateFrame,
  updateValue,
  useResources,
  within,
} from '../helpers/server-fixtures.ts';

const resources = useResources();

/** The limits of these tests (the figures; the defaults are larger, see server-options.ts). */
const RATE = 500;
const BURST = 2_000;
const FLOOD = 10_000;
/** Between two probe writes: at most 200 a second, under RATE. */
const PROBE_PAUSE_MS = 5;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Measures A's write → B's change event for `todos.probe.n`, one write at a time. */
class Probe {
  #n = 0;
  #waiting: { readonly n: number; readonly resolve: () => void } | null = null;

  constructor(
    readonly a: Model,
    readonly b: Model,
  ) {
    b.on('change', 'todos.probe.**', () => {
      if (this.#waiting && b.get('todos.probe.n') === this.#waiting.n) this.#waiting.resolve();
    });
  }

  /** One write after a pause (so the prober stays well under the limit itself); resolves with its latency in ms. */
  async once(): Promise<number> {
    await sleep(PROBE_PAUSE_MS);
    const n = ++this.#n;
    const seen = new Promise<void>((resolve) => (this.#waiting = { n, resolve }));
    const start = performance.now();
    this.a.set('todos.probe.n', n);
    await within(seen, 30_000, `write ${n} to be relayed`); // a bound, not a check: the latencies are compared below
    this.#waiting = null;
    return performance.now() - start;
  }

  /** `count` writes one at a time (bounded by `ms` too); their latencies. */
  async samples(count: number, ms = 10_000): Promise<number[]> {
    const latencies: number[] = [];
    const end = performance.now() + ms;
    while (latencies.length < count && performance.now() < end) latencies.push(await this.once());
    return latencies;
  }
}

describe('rate limit', () => {
  it('defaults to 1,000 messages a second with bursts of 2,000', () => {
    const options = resolveServerOptions({ storage: memoryStorage() });
    expect(options.maxMessagesPerSecond).toBe(1000);
    expect(options.messageBurst).toBe(2000);
  });

  it('closes a raw burst of 10,000 messages with 4429 under the default limits', async () => {
    const t = resources.server(await startServer());
    const flooder = resources.socket(await rawSocket(t.url));
    for (let i = 0; i < FLOOD; i++) flooder.send(pingMessage.encode({}));
    expect(await within(flooder.closed, 30_000, 'the flooder to be closed')).toEqual({ code: 4429, reason: 'too many messages' });
    expect(flooder.messages.filter((m) => m.kind === MessageKind.Pong).length).toBeLessThan(FLOOD);
  });

  it('never closes a yracer client that reconnects holding 3,000 documents with a write pending on each, under the default limits', async () => {
    const port = await freePort();
    const storage = memoryStorage();
    const first = resources.server(await startServerOn(port, { storage: reusable(storage) }));
    const model = resources.model(client(first.url));
    const names = Array.from({ length: 3000 }, (_, i) => `todos.d${i}`);
    await model.subscribe(...names);
    await first.server.close();
    await waitFor(() => model.connection.state !== 'online', 3000, 'offline');
    names.forEach((name, i) => model.set(`${name}.n`, i));
    const second = resources.server(await startServerOn(port, { storage: reusable(storage) }));
    await within(model.whenNothingPending(), 20_000, 'every pending write stored');
    expect(second.logs.filter((line) => line.includes('too many messages') || line.includes('too-many'))).toEqual([]);
    const reader = resources.model(client(second.url));
    await reader.fetch('todos.d0', 'todos.d2999');
    expect([reader.get('todos.d0.n'), reader.get('todos.d2999.n')]).toEqual([0, 2999]);
  }, 40_000);

  it('closes a connection that sends a burst of 10,000 updates with 4429, handles nothing past the limit, and keeps serving others', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, maxMessagesPerSecond: RATE, messageBurst: BURST }));
    const a = resources.model(client(t.url));
    const b = resources.model(client(t.url));
    await Promise.all([a.subscribe('todos.probe'), b.subscribe('todos.probe')]);
    const states: string[] = [];
    a.connection.on((state) => states.push(state));
    b.connection.on((state) => states.push(state));
    const probe = new Probe(a, b);
    await probe.samples(10); // warm-up
    const baseline = median(await probe.samples(40));

    // A subscriber of the flooded document counts what is relayed.
    const watcher = resources.socket(await rawSocket(t.url));
    watcher.send(subscribeFrame(1, 'todos/flood'));
    await watcher.next((m) => m.kind === MessageKind.Subscribed);

    const flooder = resources.socket(await rawSocket(t.url));
    let closedAt = 0;
    const closed = flooder.closed.then((result) => {
      closedAt = performance.now();
      return result;
    });
    const from = t.logs.length;
    // Built first, so building them does not stall the probe; each sets a field of its own.
    const frames = Array.from({ length: FLOOD }, (_, i) => updateFrame('todos/flood', i + 1, fieldsUpdate({ [`k${i}`]: i })));
    const openedAt = performance.now();
    for (const frame of frames) flooder.send(frame);

    const during: number[] = [];
    const stopAt = performance.now() + 15_000;
    while (closedAt === 0 && during.length < 20_000 && performance.now() < stopAt) during.push(await probe.once());
    expect(await within(closed, 30_000, 'the flooder to be closed')).toEqual({ code: 4429, reason: 'too many messages' });
    const floodMs = closedAt - openedAt;

    // Nothing handled after the close shows up later: a write of another socket to the document is stored after
    // every write the room took before it (one write queue per room), and relayed to the watcher after them.
    const late = resources.socket(await rawSocket(t.url));
    late.send(subscribeFrame(1, 'todos/flood'));
    await late.next((m) => m.kind === MessageKind.Subscribed);
    late.send(updateFrame('todos/flood', 1, fieldsUpdate({ after: true })));
    await late.next((m) => m.kind === MessageKind.Ack);
    const floodUpdates = (): Uint8Array[] =>
      watcher.messages.flatMap((m) => {
        if (m.kind !== MessageKind.Doc || m.doc !== 'todos/flood') return [];
        const payload = readPayload(m.payload);
        return payload.type === 'update' ? [payload.update] : [];
      });
    const lateRelayed = (): boolean => floodUpdates().some((update) => 'after' in (updateValue(update) as Record<string, unknown>));
    await waitFor(lateRelayed, 10_000, 'the late write relayed to the watcher');
    // The late write itself is left out of the counts below.
    const appended = storage.callsOf('append', 'todos/flood').length - 1;
    const relayed = floodUpdates().length - 1;
    const stored = Object.keys((await loadStored(storage, 'todos/flood')).value as Record<string, unknown>).length - 1;
    const acked = flooder.messages.filter((m) => m.kind === MessageKind.Ack).length;
    // At most the burst plus what the rate refilled while it lasted (and a little slack for timing).
    const allowance = BURST + (RATE * floodMs) / 1000 + 50;
    expect(appended).toBeLessThan(FLOOD);
    expect(appended).toBeLessThanOrEqual(allowance);
    expect(stored).toBe(appended);
    expect(relayed).toBeLessThanOrEqual(appended);
    expect(acked).toBeLessThanOrEqual(appended);
    const lines = t.logs.slice(from).filter((line) => line.includes("too many messages"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warn: .*sends too many messages \(over 2000 at once or 500 a second\); closed/);

    // The others were served meanwhile: within 2x the baseline latency, plus slack for a loaded machine.
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(median(during)).toBeLessThanOrEqual(2 * baseline + 20);
    // ... and still are.
    const after = await probe.samples(10);
    expect(after).toHaveLength(10);
    late.send(updateFrame('todos/flood', 2, fieldsUpdate({ later: true })));
    await late.next((m) => m.kind === MessageKind.Ack && m.seq === 2);
    expect(t.server.connectionCount).toBe(4);
    expect(states).toEqual([]); // the probing models were never dropped
  }, 300_000); // bounded by its loops; a loaded machine makes the 10,000 frames and the probes slow

  it('closes a stock y-websocket connection that sends too fast with 4429', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage, maxMessagesPerSecond: 50, messageBurst: 100 }));
    const stock = resources.socket(await rawSocket(t.url, '/todos/a'));
    const doc = new Y.Doc();
    for (let i = 0; i < 1000; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getMap('data').set('n', i);
      stock.send(updatePayload(Y.encodeStateAsUpdate(doc, before)));
    }
    expect(await closedWithin(stock, 5000)).toEqual({ code: 4429, reason: 'too many messages' });
    await sleep(100);
    expect(storage.callsOf('append', 'todos/a').length).toBeLessThanOrEqual(150);
    expect(t.logs.filter((line) => line.includes('sends too many messages'))).toHaveLength(1);
  });

  it('closes a connection that floods before authentication completes with 4429 once over the burst', async () => {
    const storage = recordingStorage();
    const t = resources.server(
      await startServer({ storage, authenticate: () => sleep(300).then(() => ({})), maxMessagesPerSecond: 10, messageBurst: 20 }),
    );
    const raw = resources.socket(await rawSocket(t.url));
    for (let i = 1; i <= 100; i++) raw.send(updateFrame('todos/a', i, fieldsUpdate({ [`k${i}`]: i })));
    expect(await closedWithin(raw)).toEqual({ code: 4429, reason: 'too many messages' });
    await sleep(400);
    expect(storage.callsOf('append')).toEqual([]);
  });

  it('never closes a client that stays under the limit, even past the burst', async () => {
    const storage = recordingStorage();
    const rate = 200;
    const burst = 50;
    const t = resources.server(await startServer({ storage, maxMessagesPerSecond: rate, messageBurst: burst }));
    const raw = resources.socket(await rawSocket(t.url));
    let closed = false;
    void raw.closed.then(() => (closed = true));
    raw.send(subscribeFrame(1, 'todos/a'));
    await raw.next((m) => m.kind === MessageKind.Subscribed);
    let seq = 0;
    const send = (): void => {
      seq += 1;
      raw.send(updateFrame('todos/a', seq, fieldsUpdate({ [`k${seq}`]: seq })));
    };
    // Most of the burst at once, then half the rate (5 every 50 ms at most) for about 1.5 s: more messages than the burst.
    for (let i = 0; i < burst - 10; i++) send();
    const end = performance.now() + 1500;
    for (let round = 0; round < 30 && performance.now() < end && !closed; round++) {
      await sleep(50);
      for (let i = 0; i < 5; i++) send();
    }
    expect(seq).toBeGreaterThan(burst);
    // An ack covers the document's earlier writes: wait for the last one's.
    await waitFor(() => closed || raw.messages.some((m) => m.kind === MessageKind.Ack && m.seq === seq), 5000, 'every ack');
    expect(closed).toBe(false);
    expect(storage.callsOf('append', 'todos/a')).toHaveLength(seq);
    expect(t.logs.filter((line) => line.includes('too many messages'))).toEqual([]);
    // A model writing at a steady pace is not closed either.
    const model = resources.model(client(t.url));
    await model.subscribe('todos.b');
    for (let i = 0; i < 20; i++) {
      model.set('todos.b.n', i);
      await sleep(10);
    }
    await within(model.whenNothingPending(), 5000, 'the model\'s acks');
    expect(model.connection.state).toBe('online');
    expect(t.logs.filter((line) => line.includes('too many messages'))).toEqual([]);
  });
});
