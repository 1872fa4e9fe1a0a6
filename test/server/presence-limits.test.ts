import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_PRESENCE_STATE_LENGTH } from '../../src/model/presence/presence-base.ts';
import { MessageKind } from '../../src/protocol/message-kind.ts';
import { awarenessPayload } from '../../src/protocol/sync-payload.ts';
import { rawSocket, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { subscribeFrame, useResources } from '../helpers/server-fixtures.ts';
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

/** A state whose JSON is exactly `length` characters. */
const stateOfLength = (length: number): { pad: string } => ({ pad: 'x'.repeat(length - '{"pad":""}'.length) });

describe('presence limits', () => {
  it('refuses a 4 MB state, and a new subscriber of the room is served normally', async () => {
    // Below the 4 MB state: had it been kept, every new subscriber would be closed as a slow reader (4408).
    const t = resources.server(await startServer({ maxBufferedBytes: 1024 * 1024 }));
    const carol = await subscriber(resources, t.url);
    const bob = await subscriber(resources, t.url);
    bob.send(awarenessFrame(awarenessUpdate([22, 1, { blob: 'x'.repeat(4 * 1024 * 1024) }])));
    const error = await bob.next((m) => m.kind === MessageKind.Error);
    expect(error).toMatchObject({ code: 'too-large', doc: DOC, seq: 0 });
    expect(error.kind === MessageKind.Error && error.message).toContain(String(MAX_PRESENCE_STATE_LENGTH));
    bob.send(awarenessFrame(awarenessUpdate([22, 2, { user: 'bob' }])));
    await waitForState(carol, 22, { user: 'bob' }, 'bob’s small state');
    expect(historyOf(carol, 22)).toEqual([{ user: 'bob' }]);

    const dave = resources.socket(await rawSocket(t.url));
    dave.send(subscribeFrame(1, DOC));
    await dave.next((m) => m.kind === MessageKind.Subscribed);
    await roundTrip(dave);
    expect(dave.ws.readyState).toBe(WebSocket.OPEN);
    expect(statesSeen(dave).get(22)).toEqual({ user: 'bob' });
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('takes a state of exactly the client’s limit, and refuses one character more', async () => {
    const t = resources.server(await startServer());
    const carol = await subscriber(resources, t.url);
    const bob = await subscriber(resources, t.url);
    bob.send(awarenessFrame(awarenessUpdate([22, 1, stateOfLength(MAX_PRESENCE_STATE_LENGTH + 1)])));
    await bob.next((m) => m.kind === MessageKind.Error && m.code === 'too-large');
    const largest = stateOfLength(MAX_PRESENCE_STATE_LENGTH);
    bob.send(awarenessFrame(awarenessUpdate([22, 2, largest])));
    await waitForState(carol, 22, largest, 'the largest state allowed');
    expect(errorsOf(bob)).toHaveLength(1);
  });

  it('refuses a state that would take the room’s presence over maxPresenceBytesPerRoom', async () => {
    const t = resources.server(await startServer({ maxPresenceBytesPerRoom: 100_000 }));
    const carol = await subscriber(resources, t.url);
    const [ann, bob, cyd] = [await subscriber(resources, t.url), await subscriber(resources, t.url), await subscriber(resources, t.url)];
    const big = stateOfLength(40_000);
    ann.send(awarenessFrame(awarenessUpdate([1, 1, big])));
    bob.send(awarenessFrame(awarenessUpdate([2, 1, big])));
    await waitFor(() => statesSeen(carol).size === 2, 5000, 'the first two states');
    cyd.send(awarenessFrame(awarenessUpdate([3, 1, big])));
    const error = await cyd.next((m) => m.kind === MessageKind.Error);
    expect(error).toMatchObject({ code: 'too-large', doc: DOC });
    expect(error.kind === MessageKind.Error && error.message).toMatch(/maxPresenceBytesPerRoom.*100000/);
    // A small state still fits (sent later on the same socket: the big one was handled first).
    cyd.send(awarenessFrame(awarenessUpdate([3, 2, { user: 'cyd' }])));
    await waitForState(carol, 3, { user: 'cyd' }, 'cyd’s small state');
    expect(historyOf(carol, 3)).toEqual([{ user: 'cyd' }]);
    // Once someone leaves there is room again.
    ann.ws.terminate();
    await waitForState(carol, 1, undefined, 'ann to leave');
    cyd.send(awarenessFrame(awarenessUpdate([3, 3, big])));
    await waitForState(carol, 3, big, 'cyd’s big state');
    expect(cyd.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses more client ids from one connection than a client needs', async () => {
    const t = resources.server(await startServer());
    const carol = await subscriber(resources, t.url);
    const bob = await subscriber(resources, t.url);
    const ids = Array.from({ length: 9 }, (_, i) => 100 + i);
    bob.send(awarenessFrame(awarenessUpdate(...ids.map((id) => [id, 1, { id }] as const))));
    const error = await bob.next((m) => m.kind === MessageKind.Error);
    expect(error).toMatchObject({ code: 'too-large' });
    expect(error.kind === MessageKind.Error && error.message).toContain('108');
    await waitFor(() => statesSeen(carol).size === 8, 5000, 'the first 8 states');
    await roundTrip(bob);
    expect([...statesSeen(carol).keys()].sort()).toEqual(ids.slice(0, 8));
  });

  it('refuses a stock client’s oversized state with a log line, and keeps serving it', async () => {
    const t = resources.server(await startServer());
    const carol = await subscriber(resources, t.url);
    const stock = resources.socket(await rawSocket(t.url, `/${DOC}`));
    stock.send(awarenessPayload(awarenessUpdate([55, 1, stateOfLength(MAX_PRESENCE_STATE_LENGTH + 100)])));
    stock.send(awarenessPayload(awarenessUpdate([55, 2, { user: 'stock' }])));
    await waitForState(carol, 55, { user: 'stock' }, 'the stock client’s small state');
    expect(historyOf(carol, 55)).toEqual([{ user: 'stock' }]);
    expect(t.logs.some((line) => line.startsWith('warn:') && line.includes(String(MAX_PRESENCE_STATE_LENGTH)))).toBe(true);
    await waitForState(stock, 55, { user: 'stock' }, 'the stock client served', true);
  });
});
