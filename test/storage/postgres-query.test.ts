import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateQuery } from '../../src/query/evaluate-query.ts';
import { modifiersOf, type QueryExpression } from '../../src/query/query-expression.ts';
import { queryProblem } from '../../src/query/query-problem.ts';
import { compilePostgresQuery } from '../../src/storage/postgres-query.ts';
import { indexSql } from '../../src/storage/postgres-sort.ts';
import { postgresStorage, type PostgresStorageOptions } from '../../src/storage/postgres-storage.ts';
import { compileQuery } from '../../src/storage/sqlite-query.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { NOT_MINGO_CASES, QUERY_CASES, QUERY_DOCS, type QueryCase } from '../query/query-cases.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { parsedQueryDocs, selectedByEvaluateQuery, selectedByStorage } from '../helpers/query-agreement.ts';
import { Random } from '../helpers/random.ts';
import { randomDocument, randomQuery } from '../helpers/random-query.ts';

/** What a query selects: the ids in order, or the number for `$count`. */
/** Saves documents (values, or raw JSON text) into a collection, in one turn (one transaction). */
const fill = (storage: Storage, collection: string, docs: Record<string, unknown>): Promise<void[]> =>
  Promise.all(Object.entries(docs).map(([id, doc]) => storage.saveJson({ collection, id }, typeof doc === 'string' ? doc : JSON.stringify(doc))));

const HOSTILE_FIELDS = ["a'); DROP TABLE yracer_documents; --", 'a"b', "a'b", 'a b', 'a.', '.a', 'a..b', '__proto__', 'a.__proto__.b', '$where.x', 'a\u0000b', 'é', '01', 'a}', 'a,b', `x${'y'.repeat(300)}`];
const HOSTILE_VALUES = ["'; DROP TABLE yracer_documents; --", 'it\'s "quoted"', '100%', '_%_', 'back\\slash', "x' OR '1'='1", '{"a"}', 'line\nbreak', '$1', 'a,b}'];
const INVALID: ReadonlyArray<readonly [string, unknown]> = [
  ['an unknown operator', { n: { $regex: 'a' } }],
  ['an unknown top-level operator', { $where: 'true' }],
  ['a non-object query', 'n = 1'],
  ['a negative $limit', { $limit: -1 }],
  ['a bad $sort direction', { $sort: { n: 0 } }],
  ['an empty $or', { $or: [] }],
  ['an object compared with a field', { n: { a: 1 } }],
  ...HOSTILE_FIELDS.flatMap((field): Array<readonly [string, unknown]> => [
    [`the field ${JSON.stringify(field)}`, { [field]: 1 }],
    [`the field ${JSON.stringify(field)} in $sort`, { $sort: { [field]: 1 } }],
    [`the field ${JSON.stringify(field)} in $elemMatch`, { a: { $elemMatch: { [field]: { $gt: 1 } } } }],
  ]),
];

describe('compilePostgresQuery', () => {
  it('binds every value as a parameter, never in the SQL text', () => {
    const { sql, params } = compilePostgresQuery("to'dos", { s: "'; DROP TABLE x; --", n: { $in: [1, 2] }, t: { $gt: 'zz' }, $limit: 3, $skip: 1 });
    for (const value of ['DROP', "to'dos", 'zz']) expect(sql).not.toContain(value);
    expect(params).toEqual(["to'dos", "'; DROP TABLE x; --", "'; DROP TABLE x; --", [1, 2], [1, 2], 'zz', 'zz', 3, 1]);
  });

  it('rejects what the SQLite compiler rejects, with the same TypeError', () => {
    const problem = (compile: () => unknown): string | null => {
      try {
        compile();
        return null;
      } catch (error) {
        return error instanceof TypeError ? error.message : `not a TypeError: ${String(error)}`;
      }
    };
    for (const [what, query] of INVALID) {
      const sqlite = problem(() => compileQuery('todos', query as QueryExpression));
      expect(sqlite, what).not.toBeNull();
      expect(problem(() => compilePostgresQuery('todos', query as QueryExpression)), what).toBe(sqlite);
    }
  });

  it.each<[string, PostgresStorageOptions['indexes'], string]>([
    ['a hostile field', { todos: [["a'); DROP TABLE yracer_documents; --"]] }, "a'); DROP TABLE"],
    ['__proto__', { todos: [['__proto__']] }, '__proto__'],
    ['an empty field list', { todos: [[]] }, 'at least one field'],
    ['eleven fields', { todos: [Array.from({ length: 11 }, (_, i) => `f${i}`)] }, 'at most 10'],
    ['an invalid collection', { 'to dos': [['a']] }, 'to dos'],
  ])('rejects %s in the indexes option with a TypeError naming it, before connecting', (_what, indexes, named) => {
    const options: PostgresStorageOptions = indexes ? { indexes } : {};
    expect(() => postgresStorage('postgres://nobody@127.0.0.1:1/none', options)).toThrow(TypeError);
    expect(() => postgresStorage('postgres://nobody@127.0.0.1:1/none', options)).toThrow(named);
  });

  it('rejects a schema name that is not a plain identifier', () => {
    for (const schema of ['', 'a-b', 'a"b', '1a', 'x'.repeat(64), 'public; DROP']) expect(() => postgresStorage('postgres://nobody@127.0.0.1:1/none', { schema })).toThrow(TypeError);
  });
});

describe.skipIf(!postgresAvailable)('postgresStorage query', () => {
  const scope = postgresScope();
  let storage: Storage;
  /** The same schema through a storage declaring indexes, so that top-level equalities seek them (postgres-index-seek.ts). */
  let indexed: Storage;
  const INDEXES = {
    things: [['n'], ['b', 'score'], ['s'], ['tags'], ['nested.k', 'n']],
    random: [['a'], ['b', 'a'], ['a', 'c'], ['c.a', 'b'], ['b.0']],
  };

  beforeAll(async () => {
    const schema = await scope.freshSchema();
    storage = scope.open(schema, {}, {}, true);
    indexed = scope.open(schema, { indexes: INDEXES }, {}, true);
    const filler = storage;
    await fill(filler, 'things', QUERY_DOCS);
    // Never selected: another collection, a deleted document, a document with updates but no JSON.
    await filler.saveJson({ collection: 'other', id: 'a' }, JSON.stringify(QUERY_DOCS['a']));
    await filler.saveJson({ collection: 'things', id: 'deleted' }, JSON.stringify({ n: 1 }));
    await filler.saveJson({ collection: 'things', id: 'deleted' }, null);
    await filler.append({ collection: 'things', id: 'unsaved' }, [new Uint8Array([1])]);
    const random = new Random(20240611);
    await fill(filler, 'random', Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`d${String(i).padStart(3, '0')}`, randomDocument(random)])));
  });

  it.each([...QUERY_CASES, ...NOT_MINGO_CASES].map((entry): [string, QueryCase] => [entry.name, entry]))(
    'selects what evaluateQuery selects, in the same order, for the case: %s',
    async (_name, { query }) => {
      expect(await selectedByStorage(storage, query)).toEqual(selectedByEvaluateQuery(parsedQueryDocs, query));
      expect(await selectedByStorage(indexed, query)).toEqual(selectedByEvaluateQuery(parsedQueryDocs, query));
    },
  );

  it('selects what evaluateQuery selects for a thousand seeded random queries over random documents', async () => {
    const docs: Record<string, unknown> = {};
    const random = new Random(20240611);
    for (let i = 0; i < 80; i++) docs[`d${String(i).padStart(3, '0')}`] = JSON.parse(JSON.stringify(randomDocument(random)));
    const queries = new Random(7);
    let checked = 0;
    let selective = 0;
    let seeking = 0;
    for (let i = 0; i < 1000; i++) {
      const query = randomQuery(queries);
      if (queryProblem(query)) continue;
      const label = JSON.stringify(query);
      for (const [name, from] of [['plain', storage], ['indexed', indexed]] as const) {
        const result = await from.query('random', query);
        expect([name, label, modifiersOf(query).count ? result.count : result.ids]).toEqual([name, label, selectedByEvaluateQuery(docs, query)]);
      }
      if (compilePostgresQuery('random', query, undefined, INDEXES.random).sql.includes('UNION ALL')) seeking += 1;
      checked += 1;
      const matches = evaluateQuery(docs, { ...query, $skip: 0, $limit: 80, $count: false }).count;
      if (matches > 0 && matches < 80) selective += 1;
    }
    expect(checked).toBeGreaterThan(900);
    expect(seeking).toBeGreaterThan(checked * 0.05);
    // The generator must produce selective queries, not only all-or-nothing ones.
    expect(selective).toBeGreaterThan(checked * 0.4);
  });

  it('matches hostile string values literally and keeps the table', async () => {
    await fill(storage, 'hostile', Object.fromEntries(HOSTILE_VALUES.map((value, i) => [`d${i}`, { s: value, tags: [value] }])));
    for (const [i, value] of HOSTILE_VALUES.entries()) {
      expect((await storage.query('hostile', { s: value })).ids).toEqual([`d${i}`]);
      expect((await storage.query('hostile', { tags: { $in: [value, 'other'] } })).ids).toEqual([`d${i}`]);
      expect((await storage.query('hostile', { s: { $gte: value, $lte: value } })).ids).toEqual([`d${i}`]);
      expect((await storage.query('hostile', { tags: [value] })).ids).toEqual([`d${i}`]);
    }
    expect((await storage.query('hostile', { s: '%' })).ids).toEqual([]);
    expect((await storage.query('hostile', { $count: true })).count).toBe(HOSTILE_VALUES.length);
  });

  it('rejects an invalid expression with a TypeError and keeps answering', async () => {
    for (const [what, query] of INVALID) {
      const error = await storage.query('things', query as QueryExpression).then(() => null, (caught: unknown) => caught);
      expect(error, what).toBeInstanceOf(TypeError);
    }
    expect((await storage.query('things', { n: 7 })).ids).toEqual(['k', 'l']);
  });

  it('orders and compares strings by code point, as evaluateQuery does', async () => {
    const docs = { a: { s: 'a' }, b: { s: '\u{1F600}' }, c: { s: '\uFFFF' }, d: { s: 'B' }, e: { s: '\uD7FF' }, f: { s: 'é' }, g: { s: 'e\u0301' } };
    await fill(storage, 'strings', docs);
    for (const query of [{ $sort: { s: 1 } }, { $sort: { s: -1 } }, { s: { $gt: '\uFFFF' } }, { s: { $lt: '\uFFFF' }, $sort: { s: -1 } }, { s: 'é' }] as QueryExpression[]) {
      expect((await storage.query('strings', query)).ids, JSON.stringify(query)).toEqual(evaluateQuery(docs, query).ids);
    }
    expect(evaluateQuery(docs, { $sort: { s: 1 } }).ids).toEqual(['d', 'a', 'g', 'f', 'e', 'c', 'b']);
  });

  it('compares integers beyond 2^53 as JavaScript numbers: equal when they parse to the same number', async () => {
    const docs = { a: '{"big":9007199254740993}', b: '{"big":9007199254740992}', c: '{"big":9007199254740994}', d: '{"big":1e300}', e: '{"big":[9007199254740993]}' };
    await fill(storage, 'big', docs);
    const values = Object.fromEntries(Object.entries(docs).map(([id, json]) => [id, JSON.parse(json)]));
    const queries: QueryExpression[] = [
      { big: 9007199254740992 },
      { big: { $gt: 9007199254740992 } },
      { big: { $in: [9007199254740992, 1] } },
      { big: [9007199254740992] },
      { $sort: { big: -1 } },
    ];
    for (const query of queries) expect((await storage.query('big', query)).ids, JSON.stringify(query)).toEqual(evaluateQuery(values, query).ids);
    expect((await storage.loadJson({ collection: 'big', id: 'a' }))).toBe(docs.a);
  });

  it('returns with documents: true what load returns for each id, in order, including appends still queued', async () => {
    await fill(storage, 'docs', { a: { n: 3 }, b: { n: 1 }, c: { n: 2 }, d: { n: 4 } });
    const a = { collection: 'docs', id: 'a' };
    const c = { collection: 'docs', id: 'c' };
    const version = await storage.append(a, [new Uint8Array([1]), new Uint8Array([2])]);
    await storage.compact(a, new Uint8Array([9, 9]), version);
    await storage.append(a, [new Uint8Array([3])]);
    await storage.append(c, [new Uint8Array([4])]);
    void storage.append(c, [new Uint8Array([5])]); // still queued when the query runs
    const result = await storage.query('docs', { n: { $gte: 2 }, $sort: { n: -1 } }, { documents: true });
    expect(result.ids).toEqual(['d', 'a', 'c']);
    const plain = (docs: readonly { state: Uint8Array | null; updates: readonly Uint8Array[]; version: number }[]): unknown =>
      docs.map((doc) => ({ state: doc.state && [...doc.state], updates: doc.updates.map((u) => [...u]), version: doc.version }));
    const loaded = await Promise.all(result.ids.map((id) => storage.load({ collection: 'docs', id })));
    expect(plain(result.documents ?? [])).toEqual(plain(loaded));
    expect(plain(loaded)).toEqual([
      { state: null, updates: [], version: 0 },
      { state: [9, 9], updates: [[3]], version: 3 },
      { state: null, updates: [[4], [5]], version: 2 },
    ]);
    expect((await storage.query('docs', { n: 99 }, { documents: true })).documents).toEqual([]);
    expect(await storage.query('docs', { $count: true }, { documents: true })).toEqual({ ids: [], count: 4, json: [], documents: [] });
  });

  it('walks a declared index for { done: false, $sort: { createdAt: -1 }, $limit: 50 } instead of sorting every match', async () => {
    const schema = await scope.freshSchema();
    const indexed = scope.open(schema, { indexes: { todos: [['createdAt']] } });
    const docs = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`t${String(i).padStart(5, '0')}`, { done: i % 2 === 1, createdAt: 1000 + (i % 997) * 7, title: `todo ${i}` }]),
    );
    await fill(indexed, 'todos', docs);
    const query = { done: false, $sort: { createdAt: -1 }, $limit: 50 };
    const tables = { documents: `"${schema}".yracer_documents`, updates: `"${schema}".yracer_updates` };
    const { sql, params } = compilePostgresQuery('todos', query, tables);
    const admin = scope.admin();
    await admin.query(`ANALYZE ${tables.documents}`);
    const { rows } = await admin.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [...params]);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    console.info(`EXPLAIN of ${JSON.stringify(query)}:\n${plan}`);
    expect(plan).toContain(`Index Scan Backward using "${indexSql(tables.documents, ['createdAt']).name}"`);
    expect(plan).not.toMatch(/\bSort\b/);
    expect((await indexed.query('todos', query)).ids).toEqual(evaluateQuery(docs, query).ids);
  });

  it('seeks a [done, createdAt] index for { done: false, $sort: { createdAt: -1 }, $limit: 50 }: one index range for false, one for arrays', async () => {
    const schema = await scope.freshSchema();
    const index = ['done', 'createdAt'];
    const indexed = scope.open(schema, { indexes: { todos: [index] } });
    const docs: Record<string, unknown> = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`t${String(i).padStart(5, '0')}`, { done: i % 2 === 1, createdAt: 1000 + (i % 997) * 7, title: `todo ${i}` }]),
    );
    docs['arr'] = { done: [true, false], createdAt: 9000 };
    await fill(indexed, 'todos', docs);
    const query = { done: false, $sort: { createdAt: -1 }, $limit: 50 };
    const tables = { documents: `"${schema}".yracer_documents`, updates: `"${schema}".yracer_updates` };
    const { sql, params } = compilePostgresQuery('todos', query, tables, [index]);
    const admin = scope.admin();
    await admin.query(`ANALYZE ${tables.documents}`);
    const { rows } = await admin.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, [...params]);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    console.info(`EXPLAIN of ${JSON.stringify(query)} with an index over ${JSON.stringify(index)}:\n${plan}`);
    // Each arm walks its range of the index in order and stops after 50 rows; only those are sorted together.
    expect(plan.match(new RegExp(`Index Scan Backward using "${indexSql(tables.documents, index).name}"`, 'g'))).toHaveLength(2);
    expect(plan.match(/\bSort {2}\(/g)).toHaveLength(1);
    const result = (await indexed.query('todos', query, { documents: true })).ids;
    expect(result).toEqual(evaluateQuery(docs, query).ids);
    expect(result[0]).toBe('arr'); // an array holding false matches too
  });

  // Values a field can hold that an equality must tell apart: JSON false, 0, null, "false", missing, arrays, objects, numbers and their strings.
  const EDGE_VALUES: readonly unknown[] = [false, true, 0, 1, 1.5, -0, 9007199254740992, 1e21, null, 'false', '0', '1', '', 'true', 'a\u0000b', [], [false], [0], [null], ['false'], [[false]], [1, 'x'], {}, { a: false }];
  const edgeJson: Record<string, string> = Object.fromEntries([
    ...EDGE_VALUES.map((value, i) => [`v${String(i).padStart(2, '0')}`, JSON.stringify({ f: value, g: EDGE_VALUES[(i * 7) % EDGE_VALUES.length], n: i % 5 })]),
    ['missing', '{"n":1}'],
    ['nested', '{"f":{"f":false},"n":2}'],
    ['big', '{"f":9007199254740993,"g":1.0,"n":3}'], // 2^53 + 1: equals 2^53 as JavaScript parses it
  ]);
  const edgeDocs: Record<string, unknown> = Object.fromEntries(Object.entries(edgeJson).map(([id, json]) => [id, JSON.parse(json)]));
  const EDGE_QUERIES: readonly QueryExpression[] = [
    ...[false, true, 0, 1, 1.5, 9007199254740992, 1e21, 'false', '0', '1', '', 'x', 'a\u0000b'].flatMap((value) => [
      { f: value },
      { f: { $eq: value }, $sort: { n: -1 } },
      { f: value, g: value, $sort: { n: 1 }, $limit: 3 },
      { f: value, $sort: { n: -1 }, $skip: 1, $limit: 2 },
      { f: value, $count: true },
      { f: value, $count: true, $skip: 1, $limit: 1 },
    ]),
    { f: { $in: [false, 0] }, $sort: { n: 1 } },
    { f: null, $sort: { n: 1 } },
    { f: false, n: { $gt: 1 }, $sort: { n: -1 }, $skip: 1 },
    { f: false, $or: [{ n: 1 }, { g: true }] },
  ];

  it.each([[['f']], [['f', 'n']], [['f', 'g', 'n']], [['g', 'f']]])(
    'matches what evaluateQuery matches for equalities on an index %j, whatever the types (false, 0, null, "false", missing, arrays)',
    async (...indexes) => {
      const indexed = scope.open(await scope.freshSchema(), { indexes: { todos: indexes } });
      await fill(indexed, 'todos', edgeJson);
      for (const query of EDGE_QUERIES) {
        const result = await indexed.query('todos', query);
        const expected = evaluateQuery(edgeDocs, query);
        const label = JSON.stringify(query);
        expect([label, query['$count'] === true ? result.count : result.ids]).toEqual([label, query['$count'] === true ? expected.count : expected.ids]);
      }
      expect(compilePostgresQuery('todos', { [indexes[0]?.[0] as string]: false }, undefined, indexes).sql).toContain('UNION ALL');
    },
  );

  it('creates each declared index once, named from its fields and shared by collections, also when two storages start at once', async () => {
    const schema = await scope.freshSchema({ create: false });
    const indexes = { todos: [['createdAt'], ['listId', 'createdAt']], lists: [['createdAt']] };
    await Promise.all([scope.open(schema, { indexes }).heads([]), scope.open(schema, { indexes: { todos: [['createdAt']] } }).heads([])]);
    const { rows } = await scope.admin().query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'yracer_idx_%' ORDER BY indexname", [schema]);
    const table = `"${schema}".yracer_documents`;
    expect(rows.map((row) => row.indexname)).toEqual([indexSql(table, ['createdAt']).name, indexSql(table, ['listId', 'createdAt']).name].sort());
  });
});

