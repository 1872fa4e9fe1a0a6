import { describe, expect, it } from 'vitest';
import { memoryFanoutHub } from '../../src/fanout/memory-fanout.ts';
import { lossyFanout } from '../helpers/lossy-fanout.ts';
import { Random } from '../helpers/random.ts';
import { Inbox, bytes } from './fanout-fixtures.ts';

/** Publishes `count` numbered messages to a lossy fan-out with two listeners; returns what each listener got. */
async function run(seed: number, dropRate: number, count = 1000) {
  const hub = memoryFanoutHub();
  const sender = hub.connect();
  const receiver = lossyFanout(hub.connect(), { dropRate, random: new Random(seed) });
  const [first, second, control] = [new Inbox(), new Inbox(), new Inbox()];
  const stops = [receiver.subscribe('ch', first.listener), receiver.subscribe('ch', second.listener)];
  hub.connect().subscribe('ch', control.listener);
  for (let i = 0; i < count; i++) sender.publish('ch', bytes(String(i)));
  await control.waitFor(count);
  await hub.flush();
  stops.forEach((stop) => stop());
  return { hub, receiver, first: first.texts, second: second.texts };
}

describe('lossyFanout', () => {
  it('drops about dropRate of the delivered messages, the same ones for every listener of the process', async () => {
    const { receiver, first, second } = await run(7, 0.3);
    expect(first).toEqual(second);
    expect(receiver.lost + receiver.passed).toBe(1000);
    expect(receiver.passed).toBe(first.length);
    expect(first.length).toBeGreaterThan(630);
    expect(first.length).toBeLessThan(770);
    // What passes keeps its order.
    expect(first.map(Number)).toEqual([...first.map(Number)].sort((x, y) => x - y));
  });

  it('drops the same messages again with the same seed, and others with another seed', async () => {
    const [a, b, c] = [await run(7, 0.3), await run(7, 0.3), await run(8, 0.3)];
    expect(a.first).toEqual(b.first);
    expect(a.first).not.toEqual(c.first);
  });

  it('delivers everything at dropRate 0 and nothing at dropRate 1, and unsubscribes from the inner fan-out', async () => {
    const all = await run(1, 0, 100);
    expect(all.first).toHaveLength(100);
    const none = await run(1, 1, 100);
    expect(none.first).toEqual([]);
    expect(none.receiver.lost).toBe(100);
    expect(none.hub.subscriberCount('ch')).toBe(1); // the control listener only
  });
});
