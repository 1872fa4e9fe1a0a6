import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SyncClient } from '../../src/client/sync-client.ts';
import { Opened } from '../helpers/client-fixtures.ts';
import { announce, names, pair, rawAwareness, rawPresence, rawSubscriber, ROOM, timed } from '../helpers/presence-fixtures.ts';
import { waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

// How others learn that a client left: at once when it leaves or closes, when its
// connection ends, or when the server's keep-alive drops a silent one; and back on reconnect.
describe('presence', () => {
  it('a closed model disappears from the others within 5 s', async () => {
    const { a, pa, pb } = await pair(opened);
    pa.set({ name: 'ada' });
    pb.subscribe(() => undefined);
    await waitFor(() => names(pb).includes('ada'), 5000, 'b to see a');
    a.close();
    const ms = await timed(() => pb.others().length === 0, 'the closed model to disappear');
    expect(ms).toBeLessThan(5000);
  });

  it('a connection cut without a close (a crashed tab) disappears within 5 s', async () => {
    const { url, pb } = await pair(opened);
    pb.subscribe(() => undefined);
    const crashed = await rawPresence(opened, url, 4242, { name: 'crash' });
    await waitFor(() => names(pb).includes('crash'), 5000, 'b to see the raw client');
    crashed.ws.terminate();
    const ms = await timed(() => pb.others().length === 0, 'the cut connection to disappear');
    expect(ms).toBeLessThan(5000);
  });

  it('a connection that stops answering pings disappears once the server’s keep-alive drops it', async () => {
    const { url } = await opened.serve({ keepAliveMs: 200 });
    const pb = opened.connect(url).at(ROOM).presence;
    pb.subscribe(() => undefined);
    await rawPresence(opened, url, 4343, { name: 'silent' }, { autoPong: false });
    await waitFor(() => names(pb).includes('silent'), 5000, 'b to see the silent client');
    // The server pings every keepAliveMs and drops a socket that missed the last pong: at most about 2 × keepAliveMs.
    const ms = await timed(() => pb.others().length === 0, 'the silent connection to disappear');
    expect(ms).toBeLessThan(2000);
  });

  it('a reconnected client becomes visible again, and sees the others again', async () => {
    const { a, pa, pb } = await pair(opened);
    pa.set({ name: 'ada' });
    pb.set({ name: 'bob' });
    await waitFor(() => names(pb).includes('ada') && names(pa).includes('bob'), 5000, 'both to see each other');
    let sawGone = false; // a may be back before a poll would notice it was gone
    pb.subscribe(() => (sawGone ||= pb.others().length === 0));
    (a.store.sync as SyncClient).disconnect();
    // The offline client knows nobody; the server drops the connection's state.
    expect(pa.others()).toEqual([]);
    expect(pa.me).toEqual({ name: 'ada' });
    await waitFor(() => sawGone, 5000, 'a to disappear for b');
    const ms = await timed(() => names(pb).includes('ada') && names(pa).includes('bob'), 'a to be back');
    expect(ms).toBeLessThan(5000);
    expect(pb.others()[0]?.clientId).toBe(pa.clientId);
    // The new connection controls a's state: closing now removes it at once (not after the 30 s awareness timeout).
    a.close();
    const gone = await timed(() => pb.others().length === 0, 'the reconnected client to disappear on close');
    expect(gone).toBeLessThan(5000);
  });

  it('a state sent again on a new connection disappears when that connection is cut', async () => {
    const { url, pb } = await pair(opened);
    pb.subscribe(() => undefined);
    const awareness = rawAwareness(opened, 5151);
    awareness.setLocalState({ name: 'phoenix' });
    const first = await rawSubscriber(opened, url);
    announce(first, awareness);
    await waitFor(() => names(pb).includes('phoenix'), 5000, 'b to see the first connection');
    first.ws.terminate();
    await waitFor(() => pb.others().length === 0, 5000, 'the first connection to disappear');
    // Reconnected: the same client id with a newer clock. The server reports it as "updated", not "added".
    awareness.setLocalState({ name: 'phoenix' });
    const second = await rawSubscriber(opened, url);
    announce(second, awareness);
    await waitFor(() => names(pb).includes('phoenix'), 5000, 'b to see the second connection');
    second.ws.terminate();
    const ms = await timed(() => pb.others().length === 0, 'the second connection to disappear');
    expect(ms).toBeLessThan(5000);
  });

  it('a client that reconnects while the server still holds its old socket takes its state over when keep-alive drops that socket', async () => {
    const { url } = await opened.serve({ keepAliveMs: 200 });
    const sockets: VanishingSocket[] = [];
    /** A socket whose network can vanish: the client hears a close, the server hears nothing more (no pongs either). */
    class VanishingSocket extends WebSocket {
      #vanished = false;
      constructor(address: string) {
        super(address);
        sockets.push(this);
        opened.defer(() => this.terminate());
      }
      vanish(): void {
        this.#vanished = true;
        this.pause();
        this.emit('close', 1006, Buffer.from(''));
      }
      override close(code?: number, reason?: string): void {
        if (!this.#vanished) super.close(code, reason);
      }
    }
    const a = opened.connect(url, { WebSocket: VanishingSocket as never });
    const pa = a.at(ROOM).presence;
    const pb = opened.connect(url).at(ROOM).presence;
    pb.subscribe(() => undefined);
    pa.set({ name: 'ada' });
    await waitFor(() => names(pb).includes('ada'), 5000, 'b to see a');
    sockets[0]?.vanish();
    await waitFor(() => sockets.length === 2 && a.connection.state === 'online', 5000, 'a to reconnect on a new socket');
    // The old socket still owns a's client id on the server: this state waits until keep-alive drops that socket.
    pa.set({ name: 'ada, reconnected' });
    const ms = await timed(() => names(pb).includes('ada, reconnected'), 'the state sent on the new socket to take over');
    expect(ms).toBeLessThan(3000); // keep-alive drops the old socket within about 2 × keepAliveMs; the renewal would take 15 s
    expect(pb.others().map((peer) => peer.clientId)).toEqual([pa.clientId]);
  });

  it('a state set again after leaving disappears when its connection is cut', async () => {
    const { url, pb } = await pair(opened);
    pb.subscribe(() => undefined);
    const awareness = rawAwareness(opened, 6161);
    const socket = await rawSubscriber(opened, url);
    awareness.setLocalState({ name: 'back' });
    announce(socket, awareness);
    await waitFor(() => names(pb).includes('back'), 5000, 'b to see it');
    awareness.setLocalState(null);
    announce(socket, awareness);
    await waitFor(() => pb.others().length === 0, 5000, 'it to leave');
    awareness.setLocalState({ name: 'back again' });
    announce(socket, awareness);
    await waitFor(() => names(pb).includes('back again'), 5000, 'it to come back');
    socket.ws.terminate();
    const ms = await timed(() => pb.others().length === 0, 'it to disappear when cut');
    expect(ms).toBeLessThan(5000);
  });

});
