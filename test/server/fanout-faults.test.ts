/**
 * Servers sharing storage through a fan-out that loses messages: rooms and
 * live queries still converge (storage is the log; gaps are read back).
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/index.ts';
import { startCluster } from '../helpers/cluster-fixtures.ts';
import { lossyFanout } from '../helpers/lossy-fanout.ts';
import { Random } from '../helpers/random.ts';
import { loadStored, useResources } from '../helpers/server-fixtures.ts';
import { client, waitFor } from '../helpers/sync-fixtures.ts';

const resources = useResources();

/** JSON with object keys sorted (replicas of one Y.Map may list keys in different orders). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  );

describe('fan-out faults', () => {
  it('converges rooms and live queries within 4 s when 5% of fan-out messages are lost', async () => {
    const random = new Random(5);
    const { servers, storage } = await startCluster(resources, 3, {
      server: { fanoutPollMs: 500 },
      wrapFanout: (fanout, i) => lossyFanout(fanout, { dropRate: 0.05, random: new Random(100 + i) }),
    });
    const models: Model[] = servers.map((server) => resources.model(client(server.url)));
    const docs = ['d0', 'd1', 'd2', 'd3'];
    await Promise.all(models.map((m) => m.subscribe(...docs.map((id) => `todos.${id}`))));
    const queries = models.map((m) => m.query('todos', { done: false, $sort: { rank: 1 } }));
    const counts = models.map((m) => m.query('todos', { done: true, $count: true }));
    await Promise.all([...queries, ...counts].map((q) => q.subscribe()));
    for (let round = 0; round < 120; round++) {
      const m = random.pick(models);
      const id = random.pick(docs);
      if (random.chance(0.5)) m.set(`todos.${id}.done`, random.chance(0.5));
      else m.set(`todos.${id}.rank`, random.int(100));
      m.set(`todos.${id}.w${round}`, round);
    }
    await Promise.all(models.map((m) => m.whenNothingPending()));
    // What storage holds is what every room and query must show.
    const shared = storage();
    const stored = await Promise.all(docs.map(async (id) => canonical((await loadStored(shared, `todos/${id}`)).value)));
    const state = (): string =>
      JSON.stringify({
        docs: models.map((m) => docs.map((id) => canonical(m.get(`todos.${id}`)))),
        open: queries.map((q) => q.getIds()),
        done: counts.map((q) => q.get()),
      });
    const started = Date.now();
    let expected = '';
    try {
      await waitFor(
        () => models.every((m) => docs.every((id, i) => canonical(m.get(`todos.${id}`)) === stored[i])),
        4000,
        'every room to converge',
      );
      const [open, done] = await Promise.all([shared.query('todos', { done: false, $sort: { rank: 1 } }), shared.query('todos', { done: true, $count: true })]);
      expected = JSON.stringify({ open: open.ids, done: done.count });
      await waitFor(
        () => queries.every((q) => q.getIds().join() === open.ids.join()) && counts.every((q) => q.get() === done.count),
        Math.max(0, 4000 - (Date.now() - started)),
        'every query to converge',
      );
    } catch (error) {
      throw new Error(`${String(error)}\nexpected ${expected} and ${JSON.stringify(stored)}\nhave ${state()}`, { cause: error });
    }
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
