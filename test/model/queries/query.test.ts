import { describe, expect, it } from 'vitest';
import { createModel, evaluateQuery, type Model, type QueryExpression } from '../../../src/index.ts';
import { Random } from '../../helpers/random.ts';

const QUERIES: readonly QueryExpression[] = [
  {},
  { done: false },
  { done: false, $sort: { rank: 1 } },
  { $sort: { rank: -1, title: 1 }, $limit: 3 },
  { rank: { $gte: 2 }, $sort: { rank: 1 }, $skip: 1, $limit: 2 },
  { $or: [{ done: true }, { tags: 'x' }], $sort: { title: -1 } },
  { tags: { $elemMatch: { $in: ['x', 'y'] } } },
  { done: { $ne: true }, $count: true },
  { rank: { $not: { $gt: 3 } }, $sort: { rank: 1 }, $limit: 4 },
];

function randomWrite(model: Model, random: Random): void {
  const id = `d${random.int(12)}`;
  const op = random.int(6);
  if (op === 0) model.del(`todos.${id}`);
  else if (op === 1) model.set(`todos.${id}`, { title: `t${random.int(5)}`, done: random.chance(0.5), rank: random.int(6), tags: random.chance(0.5) ? ['x'] : ['y', 'z'] });
  else if (op === 2) model.set(`todos.${id}.done`, random.chance(0.5));
  else if (op === 3) model.set(`todos.${id}.rank`, random.chance(0.2) ? null : random.int(6));
  else if (op === 4) model.set(`todos.${id}.title`, `t${random.int(5)}`);
  else model.del(`todos.${id}.rank`);
}

describe('Query (local model)', () => {
  it('keeps the same result as a full evaluation while documents change one at a time (random writes)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = new Random(seed);
      const model = createModel();
      const queries = QUERIES.map((expression) => model.query('todos', expression));
      const stops = queries.map((q) => q.on('change', () => undefined));
      for (let step = 0; step < 60; step++) {
        randomWrite(model, random);
        const collection = (model.get<Record<string, unknown>>('todos') ?? {}) as Record<string, unknown>;
        queries.forEach((q, i) => {
          const expected = evaluateQuery(collection, QUERIES[i] as QueryExpression);
          if (QUERIES[i]?.['$count']) expect(q.get(), `seed ${seed} step ${step} query ${i}`).toBe(expected.count);
          else expect(q.getIds(), `seed ${seed} step ${step} query ${i}`).toEqual(expected.ids);
        });
      }
      stops.forEach((stop) => stop());
      model.close();
    }
  });

  it("keeps its own frozen copy of the expression: mutating the caller's object changes neither the query nor the cache's answer", () => {
    const model = createModel();
    model.add('todos', { id: 'a', done: false });
    model.add('todos', { id: 'b', done: true });
    const expression: Record<string, unknown> = { done: false };
    const q = model.query('todos', expression);
    const stop = q.on('change', () => undefined);
    expression['done'] = true;
    expect(q.getIds()).toEqual(['a']);
    expect(model.query('todos', { done: false })).toBe(q);
    expect(model.query('todos', { done: false }).getIds()).toEqual(['a']);
    expect(model.query('todos', { done: true }).getIds()).toEqual(['b']);
    expect(Object.isFrozen(q.expression)).toBe(true);
    stop();
  });

  it('emits insert, remove and move events that replay the result', () => {
    const model = createModel();
    const q = model.query('todos', { done: false, $sort: { rank: 1 } });
    let replay: string[] = [];
    q.on('insert', (e) => replay.splice(e.index, 0, ...e.ids));
    q.on('remove', (e) => replay.splice(e.index, e.ids.length));
    q.on('move', (e) => replay.splice(e.to, 0, ...replay.splice(e.from, e.ids.length)));
    replay = [...q.getIds()];
    const random = new Random(3);
    for (let step = 0; step < 200; step++) {
      randomWrite(model, random);
      expect(replay).toEqual(q.getIds());
    }
  });

  it('keeps get() and getIds() identities while nothing they show changes', () => {
    const model = createModel();
    model.set('todos.a', { title: 'a', done: false, rank: 1 });
    model.set('todos.b', { title: 'b', done: true, rank: 2 });
    const q = model.query('todos', { done: false });
    const stop = q.on('change', () => undefined);
    const [ids, docs] = [q.getIds(), q.get()];
    model.set('todos.b.title', 'B');
    expect(q.getIds()).toBe(ids);
    expect(q.get()).toBe(docs);
    model.set('todos.a.title', 'A');
    expect(q.getIds()).toBe(ids);
    expect(q.get()).not.toBe(docs);
    stop();
  });

  it('shows a silent write to a result document in get(), though no event announced it', () => {
    const model = createModel();
    model.set('todos.a', { title: 'a', done: false, rank: 1 });
    const q = model.query<{ title: string }>('todos', { done: false });
    const stop = q.on('change', () => undefined);
    expect(q.get()[0]?.title).toBe('a');
    model.silent().set('todos.a.title', 'A');
    expect(q.get()[0]?.title).toBe('A');
    stop();
  });

  it('reports complete for a model without a server, and resolves subscribe at once', async () => {
    const model = createModel();
    const q = model.query('todos', {});
    await q.subscribe();
    expect(q.status).toBe('complete');
    await q.unsubscribe();
  });
});
