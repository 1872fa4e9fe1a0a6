import { afterEach, describe, expect, it } from 'vitest';
import { SyncError } from '../../src/index.ts';
import type { WriteErrorEvent } from '../../src/model/mutations/write-errors.ts';
import { memoryStorage } from '../../src/server/index.ts';
import { freePort, Opened, reusable, startServerOn } from '../helpers/client-fixtures.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** A write's outcome: its callback error, or undefined once stored. */
function written(set: (callback: (error?: Error) => void) => void): Promise<Error | undefined> {
  return new Promise((resolve) => set((error) => resolve(error)));
}

describe('server limits', () => {
  it('refuses a write larger than the server takes without sending it; the document returns to the server state and everything else syncs', async () => {
    const t = opened.server(await startServer({ maxFrameBytes: 64 * 1024 }));
    const other = opened.model(client(t.url));
    other.set('big.a', { title: 'stored' });
    await other.subscribe('big.a');
    await other.whenNothingPending();
    const writer = opened.model(client(t.url));
    await writer.subscribe('big.a', 'todos.b');
    const errors: WriteErrorEvent[] = [];
    writer.on('error', 'big.*', (event) => errors.push(event));

    const huge = written((cb) => writer.set('big.a.huge', 'h'.repeat(200_000), cb));
    const small = written((cb) => writer.set('todos.b.n', 1, cb));
    const idle = writer.whenNothingPending().then(
      () => null,
      (error: unknown) => error,
    );
    const refusal = await huge;
    expect(refusal).toBeInstanceOf(SyncError);
    expect((refusal as SyncError).code).toBe('too-large');
    expect(refusal?.message).toMatch(/at most 65536 bytes/);
    expect(await small).toBeUndefined();
    expect(((await idle) as SyncError | null)?.code).toBe('too-large');
    expect(errors.map((event) => event.path)).toEqual(['big.a']);
    expect(writer.get('big.a')).toEqual({ title: 'stored' });
    expect(t.logs.filter((line) => line.includes('too-large') || line.includes('over the limit'))).toEqual([]);

    // Both directions keep working on that document.
    other.set('big.a.title', 'from other');
    await waitFor(() => writer.get('big.a.title') === 'from other', 3000, 'a remote change after the refusal');
    expect(await written((cb) => writer.set('big.a.n', 2, cb))).toBeUndefined();
    await waitFor(() => other.get('big.a.n') === 2, 3000, 'a later write of the writer');
  });

  it('refuses a 20 MB write to a server with the default limit, and keeps syncing', async () => {
    const t = opened.server(await startServer());
    const writer = opened.model(client(t.url));
    await writer.subscribe('big.huge', 'todos.b');
    const refusal = await written((cb) => writer.set('big.huge', { body: 'h'.repeat(20 << 20) }, cb));
    expect((refusal as SyncError).code).toBe('too-large');
    expect(writer.get('big.huge')).toBeUndefined();
    expect(await written((cb) => writer.set('todos.b.n', 1, cb))).toBeUndefined();
  });

  it('sends writes that only together outgrew a frame while offline in several frames, storing every one', async () => {
    const port = await freePort();
    const storage = memoryStorage();
    const first = opened.server(await startServerOn(port, { storage: reusable(storage), maxFrameBytes: 64 * 1024 }));
    const writer = opened.model(client(first.url));
    await writer.subscribe('todos.a');
    await first.server.close();
    await waitFor(() => writer.connection.state !== 'online', 3000, 'offline');
    const callbacks = Array.from({ length: 10 }, (_, i) => written((cb) => writer.set(`todos.a.k${i}`, String(i).repeat(20_000), cb)));
    const second = opened.server(await startServerOn(port, { storage: reusable(storage), maxFrameBytes: 64 * 1024 }));
    expect(await Promise.all(callbacks)).toEqual(Array.from({ length: 10 }, () => undefined));
    const reader = opened.model(client(second.url));
    await reader.fetch('todos.a');
    expect(Object.keys(reader.get<Record<string, string>>('todos.a') ?? {})).toHaveLength(10);
    expect(second.logs.filter((line) => line.includes('too-large') || line.includes('over the limit'))).toEqual([]);
  });

  it('stops resending a frame the server closed the socket for, before it announced its limit', async () => {
    const t = opened.server(await startServer({ maxFrameBytes: 16 * 1024 }));
    const writer = opened.model(client(t.url));
    // Written before the connection opens: sent before the server's limits arrive, over twice the limit.
    const refusal = written((cb) => writer.set('todos.a.big', 'b'.repeat(50_000), cb));
    const small = written((cb) => writer.set('todos.b.n', 1, cb));
    expect(((await refusal) as SyncError).code).toBe('too-large');
    expect(await small).toBeUndefined();
    expect(writer.get('todos.a')).toBeUndefined();
  });
});
