// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { Opened } from '../helpers/client-fixtures.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
let onLine = true;
Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => onLine });
afterEach(async () => {
  onLine = true;
  await opened.closeAll();
});

function goOffline(): void {
  onLine = false;
  window.dispatchEvent(new Event('offline'));
}

function goOnline(): void {
  onLine = true;
  window.dispatchEvent(new Event('online'));
}

describe('network status', () => {
  it('drops the socket at once when the browser goes offline, and reconnects at once when it is back', async () => {
    const { server, url } = await startServer();
    opened.defer(() => server.close());
    // A long backoff: only the online event can explain a quick reconnect.
    const model = opened.model(client(url, { backoff: { baseMs: 60_000, maxMs: 60_000 } }));
    await model.subscribe('todos.a');
    expect(model.connection.state).toBe('online');

    goOffline();
    expect(model.connection.state).toBe('offline');
    await waitFor(() => server.connectionCount === 0, 5000, 'the server to see the socket close');
    model.set('todos.a.title', 'offline edit');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(model.connection.state).toBe('offline'); // no attempts while the browser is offline

    goOnline();
    // Well within the 60 s backoff: only the online event can have started this attempt (no wall-clock bound: CI is busy).
    await waitFor(() => model.connection.state === 'online', 10_000, 'the reconnect');
    await model.whenNothingPending();
    const reader = opened.model(client(url));
    await reader.subscribe('todos.a');
    expect(reader.get('todos.a.title')).toBe('offline edit');
  });

  it('does not try to connect while the browser says it is offline', async () => {
    const { server, url } = await startServer();
    opened.defer(() => server.close());
    onLine = false;
    const model = opened.model(client(url));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(model.connection.state).toBe('offline');
    expect(server.connectionCount).toBe(0);
    goOnline();
    await waitFor(() => model.connection.state === 'online', 10_000, 'the connection once online');
  });
});
