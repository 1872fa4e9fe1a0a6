import { describe, expect, it } from 'vitest';
import { evaluateQuery } from '../../src/query/evaluate-query.ts';
import { modifiersOf, type QueryExpression } from '../../src/query/query-expression.ts';
import { LiveQueries } from '../../src/server/live-queries.ts';
import { MAX_PAGE, MIN_PAGE, queryReadable, type ReadFilter } from '../../src/server/query-readable.ts';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { Random } from '../helpers/random.ts';
import { countingStorage } from '../helpers/server-fixtures.ts';

interface Thing {
  readonly readable: boolean;
  readonly rank?: number;
  readonly title: string;
}

const readableOnly: ReadFilter = (_id, value) => (value as Thing).readable;

/** Stores `things` in a collection `things` (ids `d0000`, ...). */
async function store(storage: Storage, things: readonly Thing[]): Promise<Record<string, Thing>> {
  const byId: Record<string, Thing> = {};
  for (const [i, thing] of things.entries()) {
    const id = `d${String(i).padStart(4, '0')}`;
    byId[id] = thing;
    await storage.saveJson({ collection: 'things', id }, JSON.stringify(thing));
  }
  return byId;
}

/** What `queryReadable` must give: the query evaluated over the readable documents only. */
function expected(things: Record<string, Thing>, expression: QueryExpression): { ids: string[]; count: number } {
  const readable = Object.fromEntries(Object.entries(things).filter(([, thing]) => thing.readable));
  const result = evaluateQuery(readable, expression);
  return { ids: modifiersOf(expression).count ? [] : [...result.ids], count: result.count };
}

function randomExpression(random: Random): QueryExpression {
  const expression: Record<string, unknown> = {};
  const condition = random.int(4);
  if (condition === 1) expression['rank'] = { $gte: random.int(10) };
  if (condition === 2) expression['title'] = { $ne: 'a' };
  if (condition === 3) expression['$or'] = [{ rank: { $lt: 3 } }, { title: 'b' }];
  const sort = random.pick([null, { rank: 1 }, { rank: -1, title: 1 }, { title: 1 }, { title: -1 }]);
  if (sort) expression['$sort'] = sort;
  const skip = random.pick([0, 0, 1, 5, 20, 100]);
  if (skip > 0) expression['$skip'] = skip;
  const limit = random.pick([undefined, 0, 1, 3, 17, 50, 200]);
  if (limit !== undefined) expression['$limit'] = limit;
  if (random.chance(0.2)) expression['$count'] = true;
  return expression;
}

describe('queryReadable', () => {
  it('gives what evaluating the query over the readable documents gives, for random mixes, $skip, $limit, $count and $sort (memory and SQLite)', async () => {
    for (const [name, make] of [['memory', () => memoryStorage()], ['sqlite', () => sqliteStorage(':memory:')]] as const) {
      for (let seed = 1; seed <= 24; seed++) {
        const random = new Random(seed);
        const storage = make();
        const share = random.pick([0, 0.02, 0.3, 0.5, 0.9, 1]);
        const count = random.pick([0, 1, 15, 16, 17, 60, 300]);
        const things = await store(
          storage,
          Array.from({ length: count }, () => ({
            readable: random.chance(share),
            title: random.pick(['a', 'b', 'c', 'd']),
            ...(random.chance(0.9) ? { rank: random.int(10) } : {}),
          })),
        );
        for (let i = 0; i < 12; i++) {
          const expression = randomExpression(random);
          const result = await queryReadable(storage, 'things', expression, readableOnly);
          const want = expected(things, expression);
          const where = `${name}, seed ${seed}, ${count} documents (${share} readable), ${JSON.stringify(expression)}`;
          expect({ ids: result.ids, count: result.count }, where).toEqual(want);
          expect(result.json, where).toEqual(result.ids.map((id) => JSON.stringify(things[id])));
        }
        await storage.close();
      }
    }
  });

  it('reads one page for a $limit: 1 query over 2,000 documents, half of them readable', async () => {
    const { storage, stats } = countingStorage(memoryStorage());
    await store(storage, Array.from({ length: 2000 }, (_, i) => ({ readable: i % 2 === 1, title: `t${i}` })));
    const result = await queryReadable(storage, 'things', { $limit: 1 }, readableOnly);
    expect(result.ids).toEqual(['d0001']);
    expect(stats).toEqual({ calls: 1, rows: MIN_PAGE, largest: MIN_PAGE });
  });

  it('reads pages only until it has $skip + $limit readable documents', async () => {
    const { storage, stats } = countingStorage(memoryStorage());
    // One document in ten is readable: 15 readable ones are within the first 150.
    await store(storage, Array.from({ length: 2000 }, (_, i) => ({ readable: i % 10 === 0, title: `t${i}` })));
    const result = await queryReadable(storage, 'things', { $skip: 10, $limit: 5 }, readableOnly);
    expect(result.ids).toEqual(['d0100', 'd0110', 'd0120', 'd0130', 'd0140']);
    // Pages of 16, 32, 64 and 128 rows: 240, not 2,000.
    expect(stats.rows).toBeLessThanOrEqual(16 + 32 + 64 + 128);
  });

  it('counts by walking pages of at most MAX_PAGE rows, keeping no ids', async () => {
    const { storage, stats } = countingStorage(memoryStorage());
    await store(storage, Array.from({ length: 3000 }, (_, i) => ({ readable: i % 3 === 0, title: `t${i}` })));
    const result = await queryReadable(storage, 'things', { $count: true }, readableOnly);
    expect(result).toEqual({ ids: [], count: 1000, json: [] });
    expect(stats.largest).toBe(MAX_PAGE);
    expect(stats.rows).toBe(3000);
    const limited = await queryReadable(storage, 'things', { $skip: 5, $limit: 10, $count: true }, readableOnly);
    expect(limited.count).toBe(10);
  });

  it('rejects with the read filter’s error', async () => {
    const storage = memoryStorage();
    await store(storage, [{ readable: true, title: 'a' }]);
    const failing: ReadFilter = () => Promise.reject(new Error('rule crashed'));
    await expect(queryReadable(storage, 'things', {}, failing)).rejects.toThrow('rule crashed');
  });
});

describe('LiveQueries with a read filter', () => {
  it('holds the values of its result only: one for a $limit: 1 query over 2,000 documents', async () => {
    const storage = memoryStorage();
    await store(storage, Array.from({ length: 2000 }, (_, i) => ({ readable: i % 2 === 1, title: `t${i}` })));
    const queries = new LiveQueries({ storage, log: () => undefined, delayMs: 1 });
    const filtered = queries.acquire('things', { $limit: 1 }, readableOnly);
    const counted = queries.acquire('things', { $count: true }, readableOnly);
    await Promise.all([filtered.ready, counted.ready]);
    expect(filtered.ids).toEqual(['d0001']);
    expect(filtered.heldValues).toBe(1);
    expect(counted.count).toBe(1000);
    expect(counted.heldValues).toBe(0);
    queries.release(filtered);
    queries.release(counted);
    expect(queries.size).toBe(0);
  });

  it('gives each holder of a filtered query its own, while unfiltered ones are shared', async () => {
    const queries = new LiveQueries({ storage: memoryStorage(), log: () => undefined, delayMs: 1 });
    const a = queries.acquire('things', { $limit: 1 }, readableOnly);
    const b = queries.acquire('things', { $limit: 1 }, readableOnly);
    const c = queries.acquire('things', { $limit: 1 });
    const d = queries.acquire('things', { $limit: 1 });
    expect(a).not.toBe(b);
    expect(c).toBe(d);
    expect(queries.size).toBe(3);
    await Promise.all([a.ready, b.ready, c.ready]);
    for (const query of [a, b, c, d]) queries.release(query);
    expect(queries.size).toBe(0);
  });
});
