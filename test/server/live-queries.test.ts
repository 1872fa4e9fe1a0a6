import { afterEach, describe, expect, it } from 'vitest';
import { evaluateQuery, type Model, type QueryExpression } from '../../src/index.ts';
import { Random } from '../helpers/random.ts';
import type { SyncClient } from '../../src/client/sync-client.ts';
import { memoryStorage, type Storage } from '../../src/server/index.ts';
import { within, wrapStorage } from '../helpers/server-fixtures.ts';
import { client, startServer, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';

interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
  readonly rank: number;
}

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setup(count = 2): Promise<{ server: TestServer; models: Model[] }> {
  const server = await startServer({ queryDelayMs: 2 });
  open.push(server.server);
  const models = Array.from({ length: count }, () => {
    const model = client(server.url);
    open.push(model);
    return model;
  });
  return { server, models };
}

async function seed(model: Model, todos: readonly Todo[]): Promise<void> {
  for (const todo of todos) model.add('todos', { ...todo });
  await model.whenNothingPending();
}

const todo = (id: string, rank: number, done = false): Todo => ({ id, title: `T${id}`, done, rank });

describe('live queries', () => {
  it('answers with the ids in order and the documents when B subscribes', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    await seed(a, [todo('t3', 3), todo('t1', 1), todo('t2', 2, true)]);
    const q = b.query<Todo>('todos', { done: false, $sort: { rank: 1 } });
    await q.subscribe();
    expect(q.status).toBe('complete');
    expect(q.getIds()).toEqual(['t1', 't3']);
    expect(q.get().map((t) => t.title)).toEqual(['Tt1', 'Tt3']);
    expect(b.get('todos.t1.title')).toBe('Tt1');
  });

  it('follows inserts, edits, deletes and moves made by another client', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    await seed(a, [todo('t1', 1), todo('t2', 2)]);
    const q = b.query<Todo>('todos', { done: false, $sort: { rank: 1 } });
    await q.subscribe();
    const events: string[] = [];
    q.on('insert', (e) => events.push(`insert ${e.ids.join()} @${e.index}`));
    q.on('remove', (e) => events.push(`remove ${e.ids.join()} @${e.index}`));
    q.on('move', (e) => events.push(`move ${e.ids.join()} ${e.from}->${e.to}`));
    a.add('todos', todo('t0', 0));
    await waitFor(() => q.getIds().join() === 't0,t1,t2', 3000, 'insert');
    a.set('todos.t1.done', true);
    await waitFor(() => q.getIds().join() === 't0,t2', 3000, 'edit out');
    a.set('todos.t0.rank', 5);
    await waitFor(() => q.getIds().join() === 't2,t0', 3000, 'move');
    a.del('todos.t2');
    await waitFor(() => q.getIds().join() === 't0', 3000, 'delete');
    expect(events).toEqual(['insert t0 @0', 'remove t1 @1', 'move t0 0->1', 'remove t2 @0']);
  });
});

describe('live queries at the edges', () => {
  it('brings in the next document when a change moves one across the $limit boundary', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    await seed(a, [todo('t1', 1), todo('t2', 2), todo('t3', 3), todo('t4', 4)]);
    const q = b.query<Todo>('todos', { $sort: { rank: 1 }, $limit: 2 });
    await q.subscribe();
    expect(q.getIds()).toEqual(['t1', 't2']);
    a.set('todos.t1.rank', 10); // t1 leaves the first two, t3 enters
    await waitFor(() => q.getIds().join() === 't2,t3', 3000, 't3 to enter');
    expect(b.get('todos.t3.title')).toBe('Tt3');
    a.set('todos.t4.rank', 0); // t4 enters at the top, t3 leaves
    await waitFor(() => q.getIds().join() === 't4,t2', 3000, 't4 to enter');
    a.set('todos.t1.title', 'changed outside the window');
    await a.whenNothingPending();
    expect(q.getIds()).toEqual(['t4', 't2']);
  });

  it('keeps a $count query live', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    await seed(a, [todo('t1', 1), todo('t2', 2, true)]);
    const left = b.query('todos', { done: false, $count: true });
    await left.subscribe();
    expect(left.get()).toBe(1);
    expect(b.get('todos.t1')).toBeUndefined(); // a count sends no documents
    a.add('todos', todo('t3', 3));
    await waitFor(() => left.get() === 2, 3000, 'count 2');
    a.set('todos.t1.done', true);
    await waitFor(() => left.get() === 1, 3000, 'count 1');
  });

  it('shows a local write at once and keeps it while the server catches up', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    await seed(a, [todo('t1', 1)]);
    const q = b.query<Todo>('todos', { done: false, $sort: { rank: 1 } });
    const count = b.query('todos', { done: false, $count: true });
    await Promise.all([q.subscribe(), count.subscribe()]);
    b.add('todos', todo('t2', 2));
    expect(q.getIds()).toEqual(['t1', 't2']);
    expect(count.get()).toBe(2);
    b.set('todos.t1.done', true);
    expect(q.getIds()).toEqual(['t2']);
    expect(count.get()).toBe(1);
    const seen: Array<readonly string[]> = [];
    const counts: number[] = [];
    q.on('change', () => seen.push(q.getIds()));
    count.on('change', () => counts.push(count.get()));
    await b.whenNothingPending();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(q.getIds()).toEqual(['t2']);
    expect(count.get()).toBe(1);
    // Never flickered back while the server caught up.
    expect(seen.every((ids) => ids.join() === 't2')).toBe(true);
    expect(counts.every((n) => n === 1)).toBe(true);
  });

  it('evaluates over held documents before the server answers, then reports complete', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    await seed(a, [todo('t1', 1), todo('t2', 2)]);
    await b.subscribe('todos.t2');
    const q = b.query<Todo>('todos', { $sort: { rank: 1 } });
    const subscribed = q.subscribe();
    expect(q.status).toBe('local');
    expect(q.getIds()).toEqual(['t2']);
    await subscribed;
    expect(q.status).toBe('complete');
    expect(q.getIds()).toEqual(['t1', 't2']);
  });

  it('releases documents that left the result unless something else holds them', async () => {
    const { server, models } = await setup(1);
    const a = models[0] as Model;
    const b = client(server.url, { unloadDelayMs: 10 });
    open.push(b);
    await seed(a, [todo('t1', 1), todo('t2', 2)]);
    await b.subscribe('todos.t2');
    const q = b.query<Todo>('todos', { done: false });
    await q.subscribe();
    a.set('todos.t1.done', true);
    a.set('todos.t2.done', true);
    await waitFor(() => q.getIds().length === 0, 3000, 'empty result');
    await waitFor(() => b.get('todos.t1') === undefined, 3000, 't1 to unload');
    expect(b.get('todos.t2.done')).toBe(true); // still subscribed by itself
    await q.unsubscribe();
  });

  it('fetches a query once, holding its documents until unfetch', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    await seed(a, [todo('t1', 1)]);
    const q = b.query<Todo>('todos', {});
    await q.fetch();
    expect(q.getIds()).toEqual(['t1']);
    expect(b.get('todos.t1.title')).toBe('Tt1');
    await q.unfetch();
    expect(q.status).toBe('local');
  });

  it('returns the same Query object for identical arguments', async () => {
    const { models } = await setup(1);
    const a = models[0] as Model;
    const first = a.query('todos', { done: false });
    const stop = first.on('change', () => undefined);
    expect(a.query('todos', { done: false })).toBe(first);
    expect(a.at('todos').query('todos', { done: false })).toBe(first);
    expect(a.query('todos', { done: true })).not.toBe(first);
    stop();
  });

  it('throws a TypeError naming the problem for an invalid expression', async () => {
    const { models } = await setup(1);
    const a = models[0] as Model;
    expect(() => a.query('todos', { done: { $regex: 'x' } })).toThrow(/unknown operator "\$regex" on field "done"/);
    expect(() => a.query('todos', { $where: 'x' })).toThrow(/unknown query operator "\$where"/);
    expect(() => a.query('todos', { "a'); DROP TABLE x; --": 1 })).toThrow(TypeError);
    expect(() => a.query('todos.x', {})).toThrow(/collection name/);
  });
});

describe('live queries under random writes', () => {
  it('end where a full evaluation of the converged documents ends (random writes by two clients)', async () => {
    const expressions = [
      { done: false, $sort: { rank: 1 } },
      { $sort: { rank: -1, title: 1 }, $limit: 3 },
      { rank: { $gte: 2 }, $sort: { rank: 1 }, $skip: 1, $limit: 2 },
      { $or: [{ done: true }, { rank: { $lt: 1 } }] },
      { done: { $ne: true }, $count: true },
    ] as const;
    // QUERY_SEEDS=50 npx vitest run test/server/live-queries.test.ts for a longer run.
    const seeds = Number(process.env['QUERY_SEEDS'] ?? 4);
    for (let seed = 1; seed <= seeds; seed++) {
      const { models } = await setup();
      const [a, b] = models as [Model, Model];
      const pool = Array.from({ length: 10 }, (_, i) => `todos.d${i}`);
      await Promise.all([a.subscribe(pool), b.subscribe(pool)]);
      const queries = expressions.map((expression) => b.query('todos', expression));
      await Promise.all(queries.map((q) => q.subscribe()));
      const random = new Random(seed);
      for (let step = 0; step < 40; step++) {
        const writer = random.chance(0.5) ? a : b;
        const path = random.pick(pool);
        const op = random.int(4);
        if (op === 0 && writer.get(path) !== undefined) writer.del(path);
        else if (op === 1 || writer.get(path) === undefined) writer.set(path, { title: `t${random.int(4)}`, done: random.chance(0.5), rank: random.int(5) });
        else if (op === 2) writer.set(`${path}.done`, random.chance(0.5));
        else writer.set(`${path}.rank`, random.int(5));
        if (random.chance(0.3)) await new Promise((resolve) => setTimeout(resolve, random.int(10)));
      }
      await Promise.all([a.whenNothingPending(), b.whenNothingPending()]);
      const truth = (): Readonly<Record<string, unknown>> => a.get<Record<string, unknown>>('todos') ?? {};
      await waitFor(() => JSON.stringify(truth()) === JSON.stringify(b.get('todos') ?? {}), 3000, `seed ${seed}: documents to converge`);
      const mismatches = (): string[] =>
        queries.flatMap((q, i) => {
          const expected = evaluateQuery(truth(), expressions[i] as QueryExpression);
          const [got, want] = i === 4 ? [String(q.get()), String(expected.count)] : [q.getIds().join(), expected.ids.join()];
          return got === want ? [] : [`query ${i}: got ${got}, want ${want}`];
        });
      await waitFor(() => mismatches().length === 0, 3000, `seed ${seed}: queries to match a full evaluation`).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${mismatches().join('\n')}\n${JSON.stringify(truth())}`);
      });
      queries.forEach((q) => expect(q.status).toBe('complete'));
      for (const model of models) model.close();
    }
  });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('live queries: edge cases', () => {
  it('follows a change made while the collection had no live query (no stale previous value)', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    const other = a.query('items', { other: 1 });
    await other.subscribe();
    a.add('items', { id: 'x', done: false });
    await a.whenNothingPending();
    await sleep(30);
    await other.unsubscribe();
    await sleep(30);
    a.set('items.x.done', true); // no live query of items now
    await a.whenNothingPending();
    await sleep(30);
    const count = b.query('items', { done: false, $count: true });
    await count.subscribe();
    expect(count.get()).toBe(0);
    a.set('items.x.done', false);
    await waitFor(() => count.get() === 1, 3000, 'the count to follow');
  });

  it('keeps up with a change made while a new query runs for the first time', async () => {
    const inner = memoryStorage();
    let slow = false;
    const storage: Storage = wrapStorage(inner, {
      query: async (collection, expression, options) => {
        const result = await inner.query(collection, expression, options);
        if (slow) await sleep(150);
        return result;
      },
    });
    const server = await startServer({ queryDelayMs: 2, storage });
    open.push(server.server);
    const a = client(server.url);
    const b = client(server.url);
    open.push(a, b);
    a.add('items', { id: 'x', done: false, n: 1 });
    a.add('items', { id: 'y', done: false, n: 2 });
    await a.whenNothingPending();
    slow = true;
    const q = b.query('items', { done: false, $sort: { n: 1 }, $limit: 1 });
    const subscribed = q.subscribe();
    await sleep(40);
    a.set('items.x.done', true);
    await a.whenNothingPending();
    await subscribed;
    slow = false;
    await waitFor(() => q.getIds().join() === 'y', 3000, 'y after x left');
  });

  it('leaves no room subscribed when a query is stopped before its answer', async () => {
    const server = await startServer({ queryDelayMs: 2, unloadDelayMs: 50 });
    open.push(server.server);
    const a = client(server.url);
    for (let i = 0; i < 5; i++) a.add('items', { id: `d${i}`, n: i });
    await a.whenNothingPending();
    a.close();
    await waitFor(() => server.server.roomCount === 0, 3000, 'rooms to unload');
    const b = client(server.url);
    open.push(b);
    const q = b.query('items', { n: { $gte: 0 } });
    const pending = q.subscribe().catch(() => undefined);
    await q.unsubscribe();
    await pending;
    await waitFor(() => server.server.roomCount === 0, 3000, 'rooms to unload again');
  });

  it('ends with the right $count after an offline write', async () => {
    const { models } = await setup(1);
    const a = models[0] as Model;
    a.add('items', { id: 'x', done: false });
    a.add('items', { id: 'y', done: false });
    await a.whenNothingPending();
    const count = a.query('items', { done: false, $count: true });
    await count.subscribe();
    (a.store.sync as SyncClient).disconnect();
    await waitFor(() => a.connection.state !== 'online', 3000, 'offline');
    a.set('items.x.done', true);
    expect(count.get()).toBe(1);
    await waitFor(() => a.connection.state === 'online', 5000, 'online');
    await a.whenNothingPending();
    await waitFor(() => count.get() === 1 && !a.hasPending(), 3000, 'count 1');
    await sleep(1500); // past the settle delay
    expect(count.get()).toBe(1);
  });

  it('gives the same Query object after it went idle and came back', async () => {
    const { models } = await setup(1);
    const a = models[0] as Model;
    const q = a.query('items', { done: false });
    await q.subscribe();
    await q.unsubscribe();
    await q.subscribe();
    expect(a.query('items', { done: false })).toBe(q);
    await q.unsubscribe();
  });

  it('asks the server again on a later subscribe after a refusal', async () => {
    const server = await startServer({ queryDelayMs: 2, maxQueries: 1 });
    open.push(server.server);
    const a = client(server.url);
    open.push(a);
    const first = a.query('items', { n: 1 });
    await first.subscribe();
    const second = a.query('items', { n: 2 });
    await expect(second.subscribe()).rejects.toThrow(/at most 1 queries/);
    await first.unsubscribe();
    await within(second.subscribe(), 3000, 'the second subscribe');
    expect(second.status).toBe('complete');
  });

  it('keeps the documents of running queries through model.unload()', async () => {
    const { models } = await setup();
    const [a, b] = models as [Model, Model];
    a.add('items', { id: 'x', n: 1 });
    a.add('items', { id: 'y', n: 2 });
    await a.whenNothingPending();
    const q = b.query('items', { n: { $gte: 0 }, $sort: { n: 1 } });
    await q.subscribe();
    await b.unload();
    await sleep(1200); // past the client's unload delay
    a.add('items', { id: 'z', n: 0 });
    await waitFor(() => q.getIds().join() === 'z,x,y', 3000, 'all three');
    expect(b.get('items.x.n')).toBe(1);
  });
});
