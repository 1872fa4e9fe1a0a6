/**
 * The behaviours every Fanout shares, run against each transport (the
 * in-process hub and Redis): delivery between three fan-outs and no echo to
 * the sender, reference-counted subscriptions, order per channel, binary
 * payloads, isolation of a throwing listener, close().
 */
import { expect, it } from 'vitest';
import type { Fanout, FanoutLog } from '../../src/fanout/fanout.ts';
import { Inbox, awkwardBytes, bytes, recordingLog, settle } from './fanout-fixtures.ts';

/** A fan-out as both transports make them. */
export interface FanoutUnderTest extends Fanout {
  readonly dropped: number;
  settled(): Promise<void>;
}

/** What the shared behaviours need from a transport's test setup. */
export interface TransportFixture {
  /** A new fan-out, connected (closed after the test). */
  connect(options?: { readonly echo?: boolean; readonly log?: FanoutLog }): Promise<FanoutUnderTest>;
  /** How many fan-outs the transport itself counts as listening on the channel. */
  listening(channel: string): Promise<number>;
}

/** Registers the shared behaviours (call inside a describe). */
export function fanoutBehaviours(fixture: () => TransportFixture): void {
  it('delivers a message to every other fan-out on the channel and not back to the sender when echo is off', async () => {
    const t = fixture();
    const [a, b, c] = await Promise.all([t.connect(), t.connect(), t.connect()]);
    const inboxes = [new Inbox(), new Inbox(), new Inbox()] as const;
    a.subscribe('ch', inboxes[0].listener);
    b.subscribe('ch', inboxes[1].listener);
    c.subscribe('ch', inboxes[2].listener);
    await settle(a, b, c);
    expect(new Set([a.process, b.process, c.process]).size).toBe(3);

    a.publish('ch', bytes('a1'));
    await inboxes[1].waitFor(1, "b's copy of a1");
    // b publishes only after a1 reached it: a would have had a1 before b1.
    b.publish('ch', bytes('b1'));
    await inboxes[2].waitFor(2, "c's copies");
    await inboxes[0].waitFor(1, "a's copy of b1");
    expect(inboxes[0].texts).toEqual(['b1']);
    expect(inboxes[1].texts).toEqual(['a1']);
    expect(inboxes[2].texts).toEqual(['a1', 'b1']);
  });

  it('delivers own messages to the own listeners too when echo was asked for', async () => {
    const t = fixture();
    const [a, b] = await Promise.all([t.connect({ echo: true }), t.connect()]);
    const own = new Inbox();
    const other = new Inbox();
    a.subscribe('ch', own.listener);
    b.subscribe('ch', other.listener);
    await settle(a, b);
    a.publish('ch', bytes('hello'));
    expect((await own.waitFor(1)).map((m) => [...m])).toEqual([[...bytes('hello')]]);
    expect((await other.waitFor(1)).length).toBe(1);
  });

  it('stops listening on the transport only when the last listener of a channel stops', async () => {
    const t = fixture();
    const [a, b] = await Promise.all([t.connect(), t.connect()]);
    const first = new Inbox();
    const second = new Inbox();
    const control = new Inbox();
    const stopFirst = a.subscribe('ch', first.listener);
    const stopSecond = a.subscribe('ch', second.listener);
    a.subscribe('control', control.listener);
    await settle(a);
    expect(await t.listening('ch')).toBe(1);

    b.publish('ch', bytes('one'));
    await Promise.all([first.waitFor(1), second.waitFor(1)]);

    stopFirst();
    stopFirst(); // idempotent: must not remove the second listener
    await settle(a);
    expect(await t.listening('ch')).toBe(1);
    b.publish('ch', bytes('two'));
    await second.waitFor(2);
    expect(first.texts).toEqual(['one']);

    stopSecond();
    await settle(a);
    expect(await t.listening('ch')).toBe(0);
    // Nothing arrives on 'ch' any more: 'done' on another channel, published after, is the proof.
    b.publish('ch', bytes('three'));
    b.publish('control', bytes('done'));
    await control.waitFor(1);
    expect([first.texts, second.texts]).toEqual([['one'], ['one', 'two']]);

    // The same function subscribed twice counts twice.
    const twice = new Inbox();
    const stops = [a.subscribe('ch', twice.listener), a.subscribe('ch', twice.listener)];
    await settle(a);
    b.publish('ch', bytes('four'));
    await twice.waitFor(2);
    stops[0]?.();
    await settle(a);
    expect(await t.listening('ch')).toBe(1);
  });

  it('keeps the publish order of a channel', async () => {
    const t = fixture();
    const [a, b] = await Promise.all([t.connect(), t.connect()]);
    const ch = new Inbox();
    const other = new Inbox();
    b.subscribe('ch', ch.listener);
    b.subscribe('other', other.listener);
    await settle(b);
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) {
      a.publish('ch', bytes(`m${i}`));
      expected.push(`m${i}`);
      if (i % 3 === 0) a.publish('other', bytes(`o${i}`));
    }
    await ch.waitFor(300);
    expect(ch.texts).toEqual(expected);
    await other.waitFor(100);
  });

  it('delivers arbitrary bytes unchanged, as a copy the sender cannot change afterwards', async () => {
    const t = fixture();
    const [a, b] = await Promise.all([t.connect(), t.connect()]);
    const inbox = new Inbox();
    b.subscribe('bin', inbox.listener);
    await settle(b);
    const awkward = awkwardBytes();
    const backing = new Uint8Array([9, 9, 9, 0, 0xff, 0xc3, 0x28, 9, 9]);
    const view = backing.subarray(3, 7); // a view with an offset into a larger buffer
    a.publish('bin', awkward);
    a.publish('bin', new Uint8Array(0));
    a.publish('bin', view);
    a.publish('bin', Buffer.from([0, 1, 0]));
    awkward.fill(7);
    view.fill(7);
    const [first, empty, third, fourth] = await inbox.waitFor(4);
    expect(first).toBeInstanceOf(Uint8Array);
    expect([...(first ?? [])]).toEqual([...awkwardBytes()]);
    expect(empty?.length).toBe(0);
    expect([...(third ?? [])]).toEqual([0, 0xff, 0xc3, 0x28]);
    expect([...(fourth ?? [])]).toEqual([0, 1, 0]);
  });

  it('keeps delivering to the other listeners when one throws, and logs it', async () => {
    const t = fixture();
    const { lines, log } = recordingLog();
    const [a, b] = await Promise.all([t.connect(), t.connect({ log })]);
    const inbox = new Inbox();
    b.subscribe('ch', () => {
      throw new Error('listener bug');
    });
    b.subscribe('ch', inbox.listener);
    await settle(b);
    a.publish('ch', bytes('x'));
    a.publish('ch', bytes('y'));
    expect((await inbox.waitFor(2)).length).toBe(2);
    expect(lines.filter((line) => line.includes('listener bug'))).toHaveLength(2);
  });

  it('drops publishes after close() without throwing, and ignores subscribes', async () => {
    const t = fixture();
    const a = await t.connect();
    await a.close();
    await a.close(); // idempotent
    expect(a.connected).toBe(false);
    const before = a.dropped;
    expect(() => a.publish('ch', bytes('late'))).not.toThrow();
    expect(a.dropped).toBe(before + 1);
    const stop = a.subscribe('ch', () => {});
    stop();
    expect(await t.listening('ch')).toBe(0);
  });
}
