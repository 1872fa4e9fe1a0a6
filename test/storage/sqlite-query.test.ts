import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { evaluateQuery } from '../../src/query/evaluate-query.ts';
import type { QueryExpression } from '../../src/query/query-expression.ts';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { compileQuery } from '../../src/storage/sqlite-query.ts';
import { indexSql, sortKeySql } from '../../src/storage/sqlite-sort.ts';
import { sqliteStorage, type SqliteStorageOptions } from '../../src/storage/sqlite-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { sqliteScope } from '../helpers/sqlite-fixtures.ts';

const { newFile, open, inspect } = sqliteScope('yracer-sqlite-query-');
const tableExists = (db: Database.Database): boolean =>
  (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'yracer_documents'").get() as { n: number }).n === 1;

/** Saves documents (JSON values, or raw JSON text) into collection `todos`. */
async function fill(storage: Storage, docs: Record<string, unknown>): Promise<void> {
  for (const [id, doc] of Object.entries(docs)) await storage.saveJson({ collection: 'todos', id }, typeof doc === 'string' ? doc : JSON.stringify(doc));
}

const HOSTILE_FIELDS = ["a'); DROP TABLE yracer_documents; --", 'a"b', "a'b", 'a b', 'a.', '.a', 'a..b', '__proto__', 'a.__proto__.b', '$where.x', 'a\u0000b', 'é', '01'];
const HOSTILE_VALUES = ["'; DROP TABLE yracer_documents; --", 'it\'s "quoted"', '100%', '_%_', 'back\\slash', "x' OR '1'='1", '$."a"', 'line\nbreak', 'nul\u0000byte'];

describe('sqliteStorage query: injection', () => {
  it.each(HOSTILE_FIELDS)('rejects the field name %j with a TypeError naming it, in every position', async (field) => {
    const file = newFile();
    const storage = open(file);
    await fill(storage, { a: { a: 1 } });
    const queries: QueryExpression[] = [
      { [field]: 1 },
      { [field]: { $gt: 1 } },
      { $sort: { [field]: 1 } },
      { $or: [{ a: 1 }, { [field]: 1 }] },
      { a: { $elemMatch: { [field]: 1 } } },
    ];
    for (const query of queries) {
      const error = await storage.query('todos', query).then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toContain(field.startsWith('$') ? field.split('.')[0] : field.slice(0, 20));
    }
    expect(tableExists(inspect(file))).toBe(true);
    expect((await storage.query('todos', {})).ids).toEqual(['a']);
  });

  it('matches hostile string values literally and keeps the table', async () => {
    const file = newFile();
    const storage = open(file);
    await fill(storage, Object.fromEntries(HOSTILE_VALUES.map((value, i) => [`d${i}`, { s: value, tags: [value] }])));
    for (const [i, value] of HOSTILE_VALUES.entries()) {
      expect((await storage.query('todos', { s: value })).ids).toEqual([`d${i}`]);
      expect((await storage.query('todos', { tags: { $in: [value, 'other'] } })).ids).toEqual([`d${i}`]);
      expect((await storage.query('todos', { s: { $gte: value, $lte: value } })).ids).toEqual([`d${i}`]);
    }
    expect((await storage.query('todos', { s: '%' })).ids).toEqual([]);
    expect(tableExists(inspect(file))).toBe(true);
  });

  it('binds every value as a parameter, never in the SQL text', () => {
    const { sql, params } = compileQuery("to'dos", { s: "'; DROP TABLE x; --", n: { $in: [1, 2] }, t: { $gt: 'zz' }, $limit: 3 });
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("to'dos");
    expect(sql).not.toContain('zz');
    // Each condition binds its value twice: for the field itself and for the elements of an array field; $limit and $skip are integer literals.
    expect(params).toEqual(["to'dos", "'; DROP TABLE x; --", "'; DROP TABLE x; --", '[1,2]', '[1,2]', 'zz', 'zz']);
    expect(sql).toMatch(/ LIMIT 3 OFFSET 0$/);
    // With an index to seek, the query is two SELECTs: one seeks the value's key, the other arrays holding the value.
    const indexed = compileQuery("to'dos", { s: "'; DROP TABLE x; --" }, [['s']]);
    expect(indexed.sql).not.toContain('DROP');
    expect(indexed.params).toEqual(["to'dos", "'; DROP TABLE x; --", "to'dos", "'; DROP TABLE x; --"]);
  });
});

describe('sqliteStorage query: invalid expressions', () => {
  it.each<[string, unknown, string]>([
    ['an unknown operator', { n: { $regex: 'a' } }, '$regex'],
    ['an unknown top-level operator', { $where: 'true' }, '$where'],
    ['a non-object query', 'n = 1', 'must be an object'],
    ['a negative $limit', { $limit: -1 }, '$limit'],
    ['a bad $sort direction', { $sort: { n: 0 } }, '$sort.n'],
    ['an empty $or', { $or: [] }, '$or'],
    ['an object compared with a field', { n: { a: 1 } }, 'field "n"'],
  ])('rejects %s with a TypeError naming the problem', async (_what, query, named) => {
    for (const storage of [open(), memoryStorage()]) {
      const error = await storage.query('todos', query as QueryExpression).then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toContain(named);
    }
  });

  it('rejects a query on a closed storage', async () => {
    const storage = sqliteStorage(':memory:');
    await storage.close();
    await expect(storage.query('todos', {})).rejects.toThrow(/closed/);
  });
});

describe('sqliteStorage query: results', () => {
  it('orders and compares strings by code point, as evaluateQuery does', async () => {
    const docs = { a: { s: 'a' }, b: { s: '\u{1F600}' }, c: { s: '\uFFFF' }, d: { s: 'B' }, e: { s: '\uD7FF' } };
    const storage = open();
    await fill(storage, docs);
    for (const query of [{ $sort: { s: 1 } }, { $sort: { s: -1 } }, { s: { $gt: '\uFFFF' } }, { s: { $lt: '\uFFFF' }, $sort: { s: -1 } }] as QueryExpression[]) {
      const expected = evaluateQuery(docs, query).ids;
      expect((await storage.query('todos', query)).ids, JSON.stringify(query)).toEqual(expected);
    }
    expect(evaluateQuery(docs, { $sort: { s: 1 } }).ids).toEqual(['d', 'a', 'e', 'c', 'b']);
  });

  it('skips documents whose JSON is null and documents of other collections', async () => {
    const storage = open();
    await fill(storage, { a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
    await storage.saveJson({ collection: 'todos', id: 'b' }, null);
    await storage.saveJson({ collection: 'others', id: 'd' }, '{"n":1}');
    await storage.append({ collection: 'todos', id: 'e' }, [new Uint8Array([1])]);
    expect(await storage.query('todos', {})).toEqual({ ids: ['a', 'c'], count: 2, json: ['{"n":1}', '{"n":3}'] });
    expect(await storage.query('todos', { n: { $exists: false } })).toEqual({ ids: [], count: 0, json: [] });
    expect(await storage.query('todos', { $count: true })).toEqual({ ids: [], count: 2, json: [] });
  });

  it('returns with documents: true what load returns for each id, in order, including appends not yet flushed', async () => {
    for (const storage of [open(newFile()), memoryStorage()]) {
      await fill(storage, { a: { n: 3 }, b: { n: 1 }, c: { n: 2 }, d: { n: 4 } });
      const a = { collection: 'todos', id: 'a' };
      const c = { collection: 'todos', id: 'c' };
      await storage.append(a, [new Uint8Array([1])]);
      const seq = await storage.append(a, [new Uint8Array([2])]);
      await storage.compact(a, new Uint8Array([9, 9]), seq);
      await storage.append(a, [new Uint8Array([3])]);
      await storage.append(c, [new Uint8Array([4])]);
      void storage.append(c, [new Uint8Array([5])]); // still queued when the query runs
      const result = await storage.query('todos', { n: { $gte: 2 }, $sort: { n: -1 } }, { documents: true });
      expect(result.ids).toEqual(['d', 'a', 'c']);
      const loaded = await Promise.all(result.ids.map((id) => storage.load({ collection: 'todos', id })));
      const plain = (docs: typeof loaded): unknown => docs.map((doc) => ({ state: doc.state && [...doc.state], updates: doc.updates.map((u) => [...u]), version: doc.version }));
      expect(plain([...(result.documents ?? [])])).toEqual(plain(loaded));
      expect(plain(loaded)).toEqual([
        { state: null, updates: [], version: 0 },
        { state: [9, 9], updates: [[3]], version: 3 },
        { state: null, updates: [[4], [5]], version: 2 },
      ]);
      expect((await storage.query('todos', { n: 99 }, { documents: true })).documents).toEqual([]);
      await storage.close();
    }
  });

  it('compares integers beyond 2^53 as JavaScript numbers: equal when they parse to the same number', async () => {
    const storage = open();
    const docs = { a: '{"big":9007199254740993}', b: '{"big":9007199254740992}', c: '{"big":9007199254740994}', d: '{"big":1e300}' };
    await fill(storage, docs);
    const values = Object.fromEntries(Object.entries(docs).map(([id, json]) => [id, JSON.parse(json)]));
    for (const query of [{ big: 9007199254740992 }, { big: { $gt: 9007199254740992 } }, { big: { $in: [9007199254740992, 1] } }, { $sort: { big: -1 } }] as QueryExpression[]) {
      expect((await storage.query('todos', query)).ids).toEqual(evaluateQuery(values, query).ids);
    }
  });

  it('keeps answering correctly when more than 100 distinct queries evict cached statements', async () => {
    const storage = open();
    await fill(storage, Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`d${String(i).padStart(3, '0')}`, { [`f${i}`]: i }])));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 150; i += 1) expect((await storage.query('todos', { [`f${i}`]: { $gte: 0 } })).ids).toEqual([`d${String(i).padStart(3, '0')}`]);
    }
  });
});

describe('sqliteStorage indexes', () => {
  const todos = (n: number): Record<string, unknown> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${String(i).padStart(5, '0')}`, { done: i % 2 === 1, createdAt: 1000 + (i % 997) * 7, listId: `l${i % 3}` }]));

  it('walks the createdAt index for { done: false, $sort: { createdAt: -1 }, $limit: 50 } instead of sorting every match', async () => {
    const file = newFile();
    const storage = open(file, { durability: 'process', indexes: { todos: [['createdAt']] } });
    const docs = todos(3000);
    await fill(storage, docs);
    const query = { done: false, $sort: { createdAt: -1 }, $limit: 50 };
    const { sql, params } = compileQuery('todos', query);
    const plan = (inspect(file).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail);
    const { name } = indexSql(['createdAt']);
    expect(plan[0]).toBe(`SEARCH yracer_documents USING INDEX ${name} (collection=?)`);
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY');
    expect((await storage.query('todos', query)).ids).toEqual(evaluateQuery(docs, query).ids);
  });

  it('seeks a [listId, createdAt] index for an equality on listId sorted by createdAt', async () => {
    const file = newFile();
    const storage = open(file, { durability: 'process', indexes: { todos: [['listId', 'createdAt']] } });
    const docs = { ...todos(3000), arr: { listId: ['l1', 'x'], createdAt: 5, done: false } };
    await fill(storage, docs);
    const query = { listId: 'l1', done: false, $sort: { createdAt: 1 } };
    const { sql, params } = compileQuery('todos', query, [['listId', 'createdAt']]);
    const plan = (inspect(file).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail);
    expect(plan.join('\n')).toContain(`USING INDEX ${indexSql(['listId', 'createdAt']).name} (collection=? AND `);
    const result = (await storage.query('todos', query)).ids;
    expect(result).toEqual(evaluateQuery(docs, query).ids);
    expect(result[0]).toBe('arr'); // an array containing the value still matches
  });

  it('seeks a [done, createdAt] index for { done: false } and walks it in sort order, without sorting the matches', async () => {
    const file = newFile();
    const index = ['done', 'createdAt'];
    const storage = open(file, { durability: 'process', indexes: { todos: [index] } });
    const docs = { ...todos(3000), arr: { done: [true, false], createdAt: 9000 } };
    await fill(storage, docs);
    const query = { done: false, $sort: { createdAt: -1 }, $limit: 50 };
    const { sql, params } = compileQuery('todos', query, [index]);
    const plan = (inspect(file).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail);
    const { name } = indexSql(index);
    expect(plan[0]).toBe('MERGE (UNION ALL)');
    // One SELECT seeks the key of false, the other the key of arrays; each walks the index in createdAt order.
    expect(plan.filter((detail) => detail === `SEARCH yracer_documents USING INDEX ${name} (collection=? AND <expr>=?)`)).toHaveLength(2);
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY');
    const result = (await storage.query('todos', query, { documents: true })).ids;
    expect(result).toEqual(evaluateQuery(docs, query).ids);
    expect(result[0]).toBe('arr'); // an array holding false matches too
  });

  it('seeks an $in list of scalars with one lookup per value', () => {
    const file = newFile();
    open(file, { indexes: { todos: [['listId', 'createdAt']] } });
    const { sql, params } = compileQuery('todos', { listId: { $in: ['l1', 'l2'] }, $sort: { createdAt: 1 } }, [['listId', 'createdAt']]);
    const plan = (inspect(file).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail);
    expect(plan[0]).toBe(`SEARCH yracer_documents USING INDEX ${indexSql(['listId', 'createdAt']).name} (collection=? AND <expr>=?)`);
  });

  // Values a field can hold that an equality must tell apart: JSON false, 0, null, "false", missing, arrays, objects, numbers and their strings.
  const EDGE_VALUES: readonly unknown[] = [false, true, 0, 1, 1.5, -0, 9007199254740992, 1e21, null, 'false', '0', '1', '', 'true', [], [false], [0], [null], ['false'], [[false]], [1, 'x'], {}, { a: false }];
  const edgeJson: Record<string, string> = Object.fromEntries([
    ...EDGE_VALUES.map((value, i) => [`v${String(i).padStart(2, '0')}`, JSON.stringify({ f: value, g: EDGE_VALUES[(i * 7) % EDGE_VALUES.length], n: i % 5 })]),
    ['missing', '{"n":1}'],
    ['nested', '{"f":{"f":false},"n":2}'],
    ['big', '{"f":9007199254740993,"g":1.0,"n":3}'], // 2^53 + 1: equals 2^53 as JavaScript parses it
  ]);
  const edgeDocs: Record<string, unknown> = Object.fromEntries(Object.entries(edgeJson).map(([id, json]) => [id, JSON.parse(json)]));
  const EDGE_QUERIES: readonly QueryExpression[] = [
    ...[false, true, 0, 1, 1.5, 9007199254740992, 1e21, 'false', '0', '1', '', 'x'].flatMap((value) => [
      { f: value },
      { f: { $eq: value }, $sort: { n: -1 } },
      { f: value, g: value, $sort: { n: 1 }, $limit: 3 },
      { f: value, $count: true },
    ]),
    { f: { $in: [false, 0] }, $sort: { n: 1 } },
    { f: { $in: ['false', 1, true] }, $sort: { n: -1 }, $skip: 1, $limit: 4 },
    { f: { $in: [0, '0'] }, g: false, $sort: { n: 1 } },
    { f: { $in: [false, 0] }, $count: true, $limit: 2 },
    { f: null, $sort: { n: 1 } },
    { f: false, n: { $gt: 1 }, $sort: { n: -1 }, $skip: 1 },
    { f: false, $or: [{ n: 1 }, { g: true }] },
  ];

  it.each([[['f']], [['f', 'n']], [['f', 'g', 'n']], [['g', 'f']]])(
    'matches what evaluateQuery matches for equalities on an index %j, whatever the types (false, 0, null, "false", missing, arrays)',
    async (...indexes) => {
      const storage = open(newFile(), { indexes: { todos: indexes } });
      await fill(storage, edgeJson);
      for (const query of EDGE_QUERIES) {
        const result = await storage.query('todos', query);
        const expected = evaluateQuery(edgeDocs, query);
        const label = JSON.stringify(query);
        expect([label, query['$count'] === true ? result.count : result.ids]).toEqual([label, query['$count'] === true ? expected.count : expected.ids]);
      }
      // The queries do seek: every query with an equality on the index's first field names it.
      expect(compileQuery('todos', { [indexes[0]?.[0] as string]: false }, indexes).sql).toContain(`INDEXED BY "${indexSql(indexes[0] as string[]).name}"`);
    },
  );

  it('creates each index once, under a name derived from its fields, shared by collections, and indexes the sort key text', () => {
    const file = newFile();
    open(file, { indexes: { todos: [['createdAt'], ['listId', 'createdAt']], lists: [['createdAt']] } });
    open(file, { indexes: { todos: [['createdAt']] } });
    const rows = inspect(file).prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'yracer_idx_%' ORDER BY name").all() as Array<{ name: string; sql: string }>;
    expect(rows.map((row) => row.name)).toEqual([indexSql(['createdAt']).name, indexSql(['listId', 'createdAt']).name].sort());
    expect(rows.find((row) => row.name.startsWith('yracer_idx_createdAt'))?.sql).toContain(`(collection, ${sortKeySql('createdAt')})`);
  });

  it.each<[string, SqliteStorageOptions['indexes'], string]>([
    ['a hostile field', { todos: [["a'); DROP TABLE yracer_documents; --"]] }, "a'); DROP TABLE"],
    ['__proto__', { todos: [['__proto__']] }, '__proto__'],
    ['an empty field list', { todos: [[]] }, 'at least one field'],
    ['a field with two array indexes', { todos: [['a.0.1']] }, 'a.0.1'],
    ['an invalid collection', { 'to dos': [['a']] }, 'to dos'],
  ])('rejects %s in the indexes option with a TypeError naming it', (_what, indexes, named) => {
    const options: SqliteStorageOptions = indexes ? { indexes } : {};
    expect(() => sqliteStorage(':memory:', options)).toThrow(TypeError);
    expect(() => sqliteStorage(':memory:', options)).toThrow(named);
  });
});
