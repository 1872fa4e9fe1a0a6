import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Outbox } from '../../src/client/outbox.ts';
import { client, startServer } from '../helpers/sync-fixtures.ts';
import { recordingStorage, useResources } from '../helpers/server-fixtures.ts';

const resources = useResources();

/** `n` single-field writes to one document, each its own update. */
function updates(n: number, size = 1): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < n; i++) doc.getMap('data').set(`k${i}`, 'x'.repeat(size));
  return out;
}

describe('Outbox', () => {
  it('merges the waiting updates of a document into one frame under the newest number, covering the others', () => {
    let ready = false;
    const sent: Array<{ doc: string; seq: number; covers: readonly number[]; update: Uint8Array }> = [];
    const outbox = new Outbox({
      ready: () => ready,
      retryInMs: () => 1000,
      maxBytes: () => Infinity,
      send: (doc, seq, update, covers) => sent.push({ doc, seq, update, covers }),
    });
    const [a1, a2, a3] = updates(3) as [Uint8Array, Uint8Array, Uint8Array];
    outbox.add('todos/a', 1, a1);
    outbox.add('todos/b', 2, updates(1)[0] as Uint8Array);
    outbox.add('todos/a', 3, a2);
    outbox.add('todos/a', 4, a3);
    expect(sent).toEqual([]);
    ready = true;
    outbox.flush();
    expect(sent.map(({ doc, seq, covers }) => ({ doc, seq, covers }))).toEqual([
      { doc: 'todos/a', seq: 4, covers: [1, 3] },
      { doc: 'todos/b', seq: 2, covers: [] },
    ]);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (sent[0] as { update: Uint8Array }).update);
    expect(copy.getMap('data').toJSON()).toEqual({ k0: 'x', k1: 'x', k2: 'x' });
    outbox.clear();
  });

  it('keeps each merged frame within maxBytes and drops everything on clear', () => {
    let ready = false;
    const sent: number[] = [];
    const outbox = new Outbox({ ready: () => ready, retryInMs: () => 1000, maxBytes: () => 2500, send: (_doc, seq) => sent.push(seq) });
    updates(6, 1000).forEach((u, i) => outbox.add('todos/a', i + 1, u));
    ready = true;
    outbox.flush();
    expect(sent).toEqual([2, 4, 6]);
    ready = false;
    outbox.add('todos/a', 7, updates(1)[0] as Uint8Array);
    outbox.clear();
    ready = true;
    outbox.flush();
    expect(sent).toEqual([2, 4, 6]);
  });

  it('lets a model write 5,000 updates back to back under the default rate limit in far fewer frames, storing all', async () => {
    const storage = recordingStorage();
    const t = resources.server(await startServer({ storage }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.fast');
    const done: Array<Error | undefined> = [];
    for (let i = 0; i < 5000; i++) model.set('todos.fast.n', i, (error) => done.push(error));
    await model.whenNothingPending();
    expect(done).toHaveLength(5000);
    expect(done.filter((error) => error !== undefined)).toEqual([]);
    expect(storage.callsOf('append', 'todos/fast').length).toBeLessThan(4000);
    expect(t.logs.filter((line) => line.includes('too many messages'))).toEqual([]);
    const reader = resources.model(client(t.url));
    await reader.fetch('todos.fast');
    expect(reader.get('todos.fast.n')).toBe(4999);
  });
});
