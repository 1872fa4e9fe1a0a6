import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { awarenessPayload } from '../../src/protocol/sync-payload.ts';
import { unsubscribeMessage } from '../../src/protocol/unsubscribe-message.ts';
import { rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { useResources } from '../helpers/server-fixtures.ts';
import {
  DOC,
  awarenessFrame,
  awarenessUpdate,
  errorsOf,
  historyOf,
  roundTrip,
  statesSeen,
  subscriber,
  waitForState,
} from '../helpers/awareness-fixtures.ts';

const resources = useResources();

/** Alice (client 11) present in DOC, and Carol watching it; both raw multiplexed sockets. */
async function aliceAndCarol() {
  const t = resources.server(await startServer());
  const alice = await subscriber(resources, t.url);
  alice.send(awarenessFrame(awarenessUpdate([11, 1, { user: 'alice' }])));
  const carol = await subscriber(resources, t.url);
  await waitForState(carol, 11, { user: 'alice' }, 'carol to see alice');
  return { t, alice, carol };
}

describe('presence ownership (multiplexed)', () => {
  it('drops a state about another connection’s client id, tells the sender, and relays nothing', async () => {
    const { t, alice, carol } = await aliceAndCarol();
    const bob = await subscriber(resources, t.url);
    bob.send(awarenessFrame(awarenessUpdate([11, 100, { user: 'bob' }])));
    const error = await bob.next((m) => m.kind === MessageKind.Error);
    expect(error).toMatchObject({ code: 'not-yours', doc: DOC, seq: 0 });
    expect(error.kind === MessageKind.Error && error.message).toContain('11');
    // Bob's own state, sent after the spoof on the same socket, reaching Carol proves the spoof was handled first.
    bob.send(awarenessFrame(awarenessUpdate([22, 1, { user: 'bob' }])));
    await waitForState(carol, 22, { user: 'bob' }, 'carol to see bob’s own state');
    expect(historyOf(carol, 11)).toEqual([{ user: 'alice' }]);
    // The owner's state is unchanged: its next update (clock 2) is still newer than anything applied.
    alice.send(awarenessFrame(awarenessUpdate([11, 2, { user: 'alice', x: 1 }])));
    await waitForState(carol, 11, { user: 'alice', x: 1 }, 'alice’s update');
    expect(errorsOf(alice)).toEqual([]);
    expect(errorsOf(bob)).toHaveLength(1);
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses a removal of another connection’s client id, and keeps the owner’s removal working', async () => {
    const { t, alice, carol } = await aliceAndCarol();
    const bob = await subscriber(resources, t.url);
    bob.send(awarenessFrame(awarenessUpdate([11, 100, null])));
    await bob.next((m) => m.kind === MessageKind.Error && m.code === 'not-yours');
    bob.send(awarenessFrame(awarenessUpdate([22, 1, { user: 'bob' }])));
    await waitForState(carol, 22, { user: 'bob' }, 'bob’s own state');
    expect(statesSeen(carol).get(11)).toEqual({ user: 'alice' });
    expect(historyOf(carol, 11)).toEqual([{ user: 'alice' }]);

    alice.send(awarenessFrame(awarenessUpdate([11, 2, null])));
    await waitForState(carol, 11, undefined, 'alice’s own removal');
    // Still hers after leaving: Bob may not take it while her connection lives.
    bob.send(awarenessFrame(awarenessUpdate([11, 101, { user: 'bob' }])));
    // Its error proves it was handled: anything relayed of it would reach Carol before alice's next state.
    await waitFor(() => errorsOf(bob).length === 2, 5000, 'the second refusal');
    alice.send(awarenessFrame(awarenessUpdate([11, 3, { user: 'alice again' }])));
    await waitForState(carol, 11, { user: 'alice again' }, 'alice back');
    expect(historyOf(carol, 11)).toEqual([{ user: 'alice' }, null, { user: 'alice again' }]);
    expect(errorsOf(alice)).toEqual([]);
  });

  it('passes a client id to a new connection once its owner disconnected', async () => {
    const { t, alice, carol } = await aliceAndCarol();
    const bob = await subscriber(resources, t.url);
    alice.ws.terminate();
    await waitForState(carol, 11, undefined, 'alice to leave');
    bob.send(awarenessFrame(awarenessUpdate([11, 5, { user: 'alice, on a new socket' }])));
    await waitForState(carol, 11, { user: 'alice, on a new socket' }, 'the state on the new connection');
    expect(errorsOf(bob)).toEqual([]);
    // The new connection owns it now: its end removes the state.
    bob.ws.terminate();
    await waitForState(carol, 11, undefined, 'the new connection to leave');
  });

  it('hands a state sent on a new socket over when the old socket of the same client is dropped', async () => {
    const { t, alice, carol } = await aliceAndCarol();
    // Alice reconnected while the server still holds her old (half-open) socket: the new state waits.
    const again = await subscriber(resources, t.url);
    again.send(awarenessFrame(awarenessUpdate([11, 2, { user: 'alice', on: 'new socket' }])));
    await again.next((m) => m.kind === MessageKind.Error && m.code === 'not-yours');
    await roundTrip(again);
    expect(statesSeen(carol).get(11)).toEqual({ user: 'alice' });
    alice.ws.terminate();
    await waitForState(carol, 11, { user: 'alice', on: 'new socket' }, 'the waiting state to take over');
    // Taken over in one step, never removed in between.
    expect(historyOf(carol, 11)).toEqual([{ user: 'alice' }, { user: 'alice', on: 'new socket' }]);
    again.ws.terminate();
    await waitForState(carol, 11, undefined, 'the new owner to leave');
  });

  it('keeps nothing of an awareness update whose later entry is cut off, and answers bad-payload', async () => {
    const t = resources.server(await startServer());
    const bob = await subscriber(resources, t.url);
    const whole = awarenessUpdate([44, 1, { user: 'half' }], [45, 1, { user: 'cut' }]);
    bob.send(awarenessFrame(whole.slice(0, whole.length - 3)));
    expect(await bob.next((m) => m.kind === MessageKind.Error)).toMatchObject({ code: 'bad-payload', doc: DOC });
    const dave = await subscriber(resources, t.url);
    await roundTrip(dave);
    expect(statesSeen(dave).size).toBe(0);
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('names the client whose state is not JSON', async () => {
    const t = resources.server(await startServer());
    const bob = await subscriber(resources, t.url);
    // One entry: client 46, clock 1, the 3 characters `{{}`.
    bob.send(awarenessFrame(new Uint8Array([1, 46, 1, 3, 0x7b, 0x7b, 0x7d])));
    const error = await bob.next((m) => m.kind === MessageKind.Error);
    expect(error).toMatchObject({ code: 'bad-payload' });
    expect(error.kind === MessageKind.Error && error.message).toMatch(/client 46.*not JSON/);
  });
});

describe('presence ownership (stock y-websocket clients)', () => {
  it('drops a stock socket’s entries about other connections’ client ids, logging once per connection', async () => {
    const { t, carol } = await aliceAndCarol();
    const stock = resources.socket(await rawSocket(t.url, `/${DOC}`));
    const spoof = awarenessPayload(awarenessUpdate([11, 100, { user: 'mallory' }]));
    stock.send(spoof);
    stock.send(awarenessPayload(awarenessUpdate([11, 101, null])));
    stock.send(spoof);
    stock.send(awarenessPayload(awarenessUpdate([55, 1, { user: 'stock' }])));
    await waitForState(carol, 55, { user: 'stock' }, 'carol to see the stock client’s own state');
    expect(historyOf(carol, 11)).toEqual([{ user: 'alice' }]);
    // The stock socket is still served: it gets its own state back.
    await waitForState(stock, 55, { user: 'stock' }, 'the stock client to get its state back', true);
    expect(t.logs.filter((line) => line.includes('another connection'))).toHaveLength(1);
  });

  it('drops what a stock provider relays about other clients, and keeps its own presence working', async () => {
    const { t, alice, carol } = await aliceAndCarol();
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(t.url, DOC, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    resources.defer(() => provider.destroy());
    await waitFor(() => provider.synced && provider.awareness.getStates().has(11), 5000, 'the provider to see alice');
    // Its awareness now claims alice's client id with a newer clock; the provider relays that to the server.
    awarenessProtocol.applyAwarenessUpdate(provider.awareness, awarenessUpdate([11, 50, { user: 'mallory' }]), 'spoof');
    provider.awareness.setLocalState({ user: 'provider' });
    await waitForState(carol, doc.clientID, { user: 'provider' }, 'carol to see the provider');
    expect(historyOf(carol, 11)).toEqual([{ user: 'alice' }]);
    alice.send(awarenessFrame(awarenessUpdate([11, 51, { user: 'alice', still: true }])));
    await waitForState(carol, 11, { user: 'alice', still: true }, 'alice’s next state');
    expect(provider.wsconnected).toBe(true);
    expect(errorsOf(alice)).toEqual([]);
  });
});

describe('presence ownership and subscriptions', () => {
  it('removes the states of a connection that unsubscribes, and frees their client ids', async () => {
    const { t, alice, carol } = await aliceAndCarol();
    const bob = await subscriber(resources, t.url);
    alice.send(unsubscribeMessage.encode({ doc: DOC }));
    await waitForState(carol, 11, undefined, 'alice’s state removed with her subscription');
    bob.send(awarenessFrame(awarenessUpdate([11, 7, { user: 'bob' }])));
    await waitForState(carol, 11, { user: 'bob' }, 'the freed client id taken');
    expect(errorsOf(bob)).toEqual([]);
  });
});
