import { afterEach, describe, expect, it } from 'vitest';
import { memoryFanoutHub, type MemoryFanout, type MemoryFanoutHub } from '../../src/fanout/memory-fanout.ts';
import { fanoutBehaviours, type TransportFixture } from './fanout-behaviours.ts';
import { Inbox, StatusLog, bytes, whenUp } from './fanout-fixtures.ts';

let hub: MemoryFanoutHub = memoryFanoutHub();
const opened: MemoryFanout[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((fanout) => fanout.close()));
  hub = memoryFanoutHub();
});

const fixture = (): TransportFixture => ({
  async connect(options = {}) {
    const fanout = hub.connect(options);
    opened.push(fanout);
    await whenUp(fanout);
    return fanout;
  },
  listening: async (channel) => hub.subscriberCount(channel),
});

describe('memoryFanoutHub', () => {
  fanoutBehaviours(fixture);

  it('delivers asynchronously, never during publish()', async () => {
    const a = await fixture().connect();
    const b = await fixture().connect();
    const inbox = new Inbox();
    b.subscribe('ch', inbox.listener);
    a.publish('ch', bytes('x'));
    expect(inbox.messages).toHaveLength(0);
    await hub.flush();
    expect(inbox.texts).toEqual(['x']);
  });

  it("tells a new fan-out 'up' asynchronously, and is connected from then on", async () => {
    const a = hub.connect();
    opened.push(a);
    const statuses = new StatusLog(a);
    expect(a.connected).toBe(false);
    await statuses.waitFor(['up']);
    expect(a.connected).toBe(true);
  });

  it("drops and counts publishes while the hub is down, and emits 'down' then 'up' around the outage", async () => {
    const [a, b] = [await fixture().connect(), await fixture().connect()];
    const statusA = new StatusLog(a);
    const statusB = new StatusLog(b);
    const inbox = new Inbox();
    b.subscribe('ch', inbox.listener);

    hub.setDown(true);
    expect(hub.down).toBe(true);
    await statusB.waitFor(['down']);
    expect(a.connected).toBe(false);
    expect(() => a.publish('ch', bytes('lost'))).not.toThrow();
    expect(a.dropped).toBe(1);

    hub.setDown(false);
    await Promise.all([statusA.waitFor(['down', 'up']), statusB.waitFor(['down', 'up'])]);
    expect(a.connected).toBe(true);
    a.publish('ch', bytes('after'));
    await inbox.waitFor(1);
    expect(inbox.texts).toEqual(['after']);
    expect(statusA.statuses).toEqual(['down', 'up']);
  });

  it('delivers messages published before an outage before telling the listeners it is down', async () => {
    const [a, b] = [await fixture().connect(), await fixture().connect()];
    const events: string[] = [];
    b.subscribe('ch', (message) => events.push(new TextDecoder().decode(message)));
    b.onStatus((status) => events.push(status));
    a.publish('ch', bytes('before'));
    hub.setDown(true);
    hub.setDown(true); // no second 'down'
    await hub.flush();
    expect(events).toEqual(['before', 'down']);
  });

  it('keeps the order of publishes from several fan-outs, including those made by listeners', async () => {
    const [a, b, c] = [await fixture().connect(), await fixture().connect(), await fixture().connect()];
    const inbox = new Inbox();
    c.subscribe('ch', inbox.listener);
    b.subscribe('ping', () => b.publish('ch', bytes('pong')));
    a.publish('ch', bytes('1'));
    a.publish('ping', bytes(''));
    a.publish('ch', bytes('2'));
    await inbox.waitFor(3);
    expect(inbox.texts).toEqual(['1', '2', 'pong']);
  });

  it('gives each receiving fan-out its own copy of the bytes', async () => {
    const [a, b, c] = [await fixture().connect(), await fixture().connect(), await fixture().connect()];
    const [inboxB, inboxC] = [new Inbox(), new Inbox()];
    b.subscribe('ch', inboxB.listener);
    c.subscribe('ch', inboxC.listener);
    a.publish('ch', new Uint8Array([1, 2, 3]));
    const [[fromB], [fromC]] = await Promise.all([inboxB.waitFor(1), inboxC.waitFor(1)]);
    fromB?.fill(0);
    expect([...(fromC ?? [])]).toEqual([1, 2, 3]);
  });

  it('stops delivering to a fan-out as soon as it is closed, even messages already queued', async () => {
    const [a, b] = [await fixture().connect(), await fixture().connect()];
    const inbox = new Inbox();
    b.subscribe('ch', inbox.listener);
    a.publish('ch', bytes('queued'));
    await b.close();
    await hub.flush();
    expect(inbox.messages).toHaveLength(0);
    expect(hub.subscriberCount('ch')).toBe(0);
  });
});
