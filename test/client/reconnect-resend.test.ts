import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { memoryStorage } from '../../src/server/index.ts';
import { freePort, Opened, reusable, startServerOn } from '../helpers/client-fixtures.ts';
import { waitFor } from '../helpers/sync-fixtures.ts';

// Every module's `parseUpdateMeta` goes through this spy (the client's and the in-process server's).
vi.mock('yjs', async (importOriginal) => {
  const original = await importOriginal<typeof Y>();
  return { ...original, parseUpdateMeta: vi.fn(original.parseUpdateMeta) };
});

const opened = new Opened();
afterEach(() => opened.closeAll());

describe('SyncClient resend after a reconnect', () => {
  it('resends offline writes without decoding them, and the server stores every one', async () => {
    const port = await freePort();
    const storage = reusable(memoryStorage());
    const first = opened.server(await startServerOn(port, { storage }));
    const model = opened.connect(first.url);
    await model.subscribe('items.x');
    model.set('items.x', { title: 'before' });
    await model.whenNothingPending();
    await first.server.close();
    await waitFor(() => model.connection.state !== 'online', 5000, 'the client offline');

    const ydoc = model.store.entry('items', 'x')?.ydoc as Y.Doc;
    const offline = new Set<Uint8Array>();
    ydoc.on('update', (update: Uint8Array) => offline.add(update));
    const callbacks: Array<Error | undefined> = [];
    for (let i = 0; i < 20; i++) model.set(`items.x.k${i}`, i, (error) => callbacks.push(error));
    expect(offline.size).toBe(20);

    const parse = vi.mocked(Y.parseUpdateMeta);
    parse.mockClear();
    opened.server(await startServerOn(port, { storage }));
    await model.whenNothingPending();
    await waitFor(() => callbacks.length === 20, 2000, 'every callback');
    expect(callbacks).toEqual(new Array(20).fill(undefined));
    expect(parse.mock.calls.filter(([update]) => offline.has(update)), 'pending updates decoded').toEqual([]);

    const fresh = opened.connect(first.url);
    await fresh.fetch('items.x');
    expect(fresh.get('items.x')).toEqual({ title: 'before', ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) });
  });
});
