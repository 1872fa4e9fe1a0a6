import { describe, expect, it } from 'vitest';
import { evaluateQuery, matchesQuery, type QueryExpression as Query } from '../../src/index.ts';
import { queryProblem } from '../../src/query/query-problem.ts';

interface Todo {
  readonly title?: string;
  readonly done?: boolean | null;
  readonly n?: unknown;
  readonly tags?: readonly string[];
  readonly author?: { readonly name: string; readonly age?: number };
  readonly [key: string]: unknown;
}

const TODOS: Readonly<Record<string, Todo>> = {
  c: { title: 'Cook', done: false, n: 3, tags: ['home', 'food'], author: { name: 'ann', age: 30 } },
  a: { title: 'Alpha', done: true, n: 1, tags: ['work'], author: { name: 'bob', age: 40 } },
  e: { title: 'Eggs', done: false, n: 5, tags: [], author: { name: 'ann' } },
  b: { title: 'Buy', done: null, n: 2 },
  d: { title: 'Dust', n: 4, tags: ['home'] },
};

/** The ids a query selects over TODOS. */
const ids = (query: Query, docs: Readonly<Record<string, unknown>> = TODOS): readonly string[] => evaluateQuery(docs, query).ids;

describe('query equality', () => {
  it('returns every document in id order when the query is empty', () => {
    const result = evaluateQuery(TODOS, {});
    expect(result.ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(result.docs).toEqual(['a', 'b', 'c', 'd', 'e'].map((id) => TODOS[id]));
    expect(result.docs[0]).toBe(TODOS['a']);
    expect(result.count).toBe(5);
  });

  it('matches a field equal to a value, and $eq the same way', () => {
    expect(ids({ done: false })).toEqual(['c', 'e']);
    expect(ids({ done: { $eq: false } })).toEqual(['c', 'e']);
    expect(ids({ done: false, n: 5 })).toEqual(['e']);
    expect(ids({ title: 'cook' })).toEqual([]);
  });

  it('reaches into objects and arrays when the field is a dotted path', () => {
    expect(ids({ 'author.name': 'ann' })).toEqual(['c', 'e']);
    expect(ids({ 'author.age': { $gte: 35 } })).toEqual(['a']);
    expect(ids({ 'tags.0': 'home' })).toEqual(['c', 'd']);
    expect(ids({ 'author.name.first': 'ann' })).toEqual([]);
  });

  it('matches an array field that contains the value, or equals the whole array', () => {
    expect(ids({ tags: 'home' })).toEqual(['c', 'd']);
    expect(ids({ tags: ['home'] })).toEqual(['d']);
    expect(ids({ tags: ['food', 'home'] })).toEqual([]);
    expect(ids({ tags: [] })).toEqual(['e']);
  });

  it('refuses to compare a field with an object, pointing to dotted paths', () => {
    expect(() => ids({ author: { age: 30, name: 'ann' } })).toThrow(/field "author" is compared with an object: match its fields with dotted paths/);
    expect(ids({ 'author.name': 'ann', 'author.age': 30 })).toEqual(['c']);
  });

  it('matches null against null and against a missing field', () => {
    expect(ids({ done: null })).toEqual(['b', 'd']);
    expect(ids({ missing: null })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids({ done: { $eq: null } })).toEqual(['b', 'd']);
  });

  it('does not read properties a document only inherits', () => {
    expect(ids({ constructor: { $exists: true } })).toEqual([]);
    expect(ids({ 'author.toString': { $exists: true } })).toEqual([]);
  });
});

describe('query comparison operators', () => {
  it('excludes equal values and arrays containing the value with $ne', () => {
    expect(ids({ done: { $ne: false } })).toEqual(['a', 'b', 'd']);
    expect(ids({ tags: { $ne: 'home' } })).toEqual(['a', 'b', 'e']);
    expect(ids({ done: { $ne: null } })).toEqual(['a', 'c', 'e']);
  });

  it('orders numbers with $gt $gte $lt $lte', () => {
    expect(ids({ n: { $gt: 3 } })).toEqual(['d', 'e']);
    expect(ids({ n: { $gte: 3 } })).toEqual(['c', 'd', 'e']);
    expect(ids({ n: { $lt: 3 } })).toEqual(['a', 'b']);
    expect(ids({ n: { $lte: 3 } })).toEqual(['a', 'b', 'c']);
    expect(ids({ n: { $gt: 1, $lt: 4 } })).toEqual(['b', 'c']);
  });

  it('orders strings with the range operators and never compares across types', () => {
    expect(ids({ title: { $gte: 'C', $lt: 'E' } })).toEqual(['c', 'd']);
    const mixed = { x: { n: '10' }, y: { n: 10 }, z: { n: true }, w: { n: null } };
    expect(ids({ n: { $gte: 5 } }, mixed)).toEqual(['y']);
    expect(ids({ n: { $gte: '0' } }, mixed)).toEqual(['x']);
    expect(ids({ n: { $lt: 100 } }, mixed)).toEqual(['y']);
  });

  it('matches any listed value with $in and none of them with $nin', () => {
    expect(ids({ n: { $in: [1, 5, 9] } })).toEqual(['a', 'e']);
    expect(ids({ n: { $nin: [1, 5, 9] } })).toEqual(['b', 'c', 'd']);
    expect(ids({ tags: { $in: ['food', 'work'] } })).toEqual(['a', 'c']);
    expect(ids({ tags: { $nin: ['home'] } })).toEqual(['a', 'b', 'e']);
    expect(ids({ done: { $in: [null] } })).toEqual(['b', 'd']);
    expect(ids({ n: { $in: [] } })).toEqual([]);
  });

  it('tells present fields (null included) from missing ones with $exists', () => {
    expect(ids({ done: { $exists: true } })).toEqual(['a', 'b', 'c', 'e']);
    expect(ids({ done: { $exists: false } })).toEqual(['d']);
    expect(ids({ 'author.age': { $exists: false } })).toEqual(['b', 'd', 'e']);
  });
});

describe('query logical operators', () => {
  it('requires every part with $and', () => {
    expect(ids({ $and: [{ n: { $gt: 1 } }, { n: { $lt: 5 } }, { tags: 'home' }] })).toEqual(['c', 'd']);
  });

  it('requires at least one part with $or, combined with field conditions', () => {
    expect(ids({ $or: [{ done: true }, { n: 5 }] })).toEqual(['a', 'e']);
    expect(ids({ tags: 'home', $or: [{ done: false }, { done: { $exists: false } }] })).toEqual(['c', 'd']);
  });

  it('excludes documents matching any part with $nor', () => {
    expect(ids({ $nor: [{ done: true }, { tags: 'home' }] })).toEqual(['b', 'e']);
  });

  it('nests $and, $or and $nor', () => {
    const query = { $or: [{ $and: [{ done: false }, { n: { $lt: 4 } }] }, { $nor: [{ n: { $lt: 5 } }] }] };
    expect(ids(query)).toEqual(['c', 'e']);
    expect(matchesQuery(TODOS['c'], query)).toBe(true);
    expect(matchesQuery(TODOS['a'], query)).toBe(false);
  });
});

describe('query modifiers', () => {
  it('sorts by one field in either direction', () => {
    expect(ids({ $sort: { n: 1 } })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids({ $sort: { n: -1 } })).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(ids({ $sort: { title: -1 } })).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('sorts by several keys, the first one first', () => {
    const docs = { p: { g: 2, n: 1 }, q: { g: 1, n: 1 }, r: { g: 2, n: 3 }, s: { g: 1, n: 2 } };
    expect(ids({ $sort: { g: 1, n: -1 } }, docs)).toEqual(['s', 'q', 'r', 'p']);
    expect(ids({ $sort: { g: -1, n: 1 } }, docs)).toEqual(['p', 'r', 'q', 's']);
    expect(ids({ $sort: { 'author.name': 1, n: -1 } })).toEqual(['d', 'b', 'e', 'c', 'a']);
  });

  it('sorts mixed types as MongoDB does: missing = null < numbers < strings < objects < arrays < booleans', () => {
    const docs = { o: { v: { k: 1 } }, a: { v: [1] }, b: { v: true }, s: { v: 'x' }, n: { v: 2 }, z: { v: null }, m: {}, f: { v: false }, k: { v: -1 } };
    expect(ids({ $sort: { v: 1 } }, docs)).toEqual(['m', 'z', 'k', 'n', 's', 'o', 'a', 'f', 'b']);
    expect(ids({ $sort: { v: -1 } }, docs)).toEqual(['b', 'f', 'a', 'o', 's', 'n', 'k', 'z', 'm']);
  });

  it('breaks ties by id in the direction of the last sort key, whatever the insertion order', () => {
    const docs = { y: { v: 1 }, x: { v: 1 }, w: { v: 0 }, z: { v: 1 } };
    expect(ids({ $sort: { v: 1 } }, docs)).toEqual(['w', 'x', 'y', 'z']);
    expect(ids({ $sort: { v: -1 } }, docs)).toEqual(['z', 'y', 'x', 'w']);
    expect(ids({ $sort: { v: -1, u: 1 } }, docs)).toEqual(['x', 'y', 'z', 'w']);
    expect(ids({}, docs)).toEqual(['w', 'x', 'y', 'z']);
  });

  it('skips and limits after filtering and sorting', () => {
    expect(ids({ $sort: { n: -1 }, $skip: 1, $limit: 2 })).toEqual(['d', 'c']);
    expect(ids({ done: { $ne: true }, $sort: { n: 1 }, $skip: 1 })).toEqual(['c', 'd', 'e']);
    expect(ids({ $limit: 0 })).toEqual([]);
    expect(ids({ $skip: 10 })).toEqual([]);
    expect(ids({ $limit: 10 })).toHaveLength(5);
  });

  it('counts the matches with $count, after $skip and $limit', () => {
    expect(evaluateQuery(TODOS, { done: false, $count: true }).count).toBe(2);
    expect(evaluateQuery(TODOS, { $count: true, $skip: 1, $limit: 3 }).count).toBe(3);
    expect(evaluateQuery(TODOS, { n: { $gt: 99 }, $count: true }).count).toBe(0);
  });

  it('ignores modifiers when matching one document', () => {
    expect(matchesQuery(TODOS['a'], { done: true, $limit: 0, $skip: 5, $sort: { n: 1 } })).toBe(true);
  });
});

describe('bad queries', () => {
  const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['an unknown top-level operator', { $where: 'x' }, /unknown query operator "\$where"/],
    ['an unknown field operator', { title: { $regex: 'a' } }, /unknown operator "\$regex" on field "title"/],
    ['an unknown operator beside a known one', { n: { $gt: 1, $foo: 2 } }, /unknown operator "\$foo" on field "n"/],
    ['a $sort direction that is not 1 or -1', { $sort: { n: 'asc' } }, /\$sort\.n must be 1 or -1/],
    ['a $sort direction of 0', { $sort: { n: 0 } }, /\$sort\.n/],
    ['a $sort that is not an object', { $sort: ['n'] }, /\$sort must be an object/],
    ['a negative $limit', { $limit: -1 }, /\$limit must be a non-negative integer/],
    ['a fractional $skip', { $skip: 1.5 }, /\$skip must be a non-negative integer/],
    ['a string $limit', { $limit: '10' }, /\$limit/],
    ['a $count that is not a boolean', { $count: 1 }, /\$count must be true or false/],
    ['$in without an array', { n: { $in: 1 } }, /\$in on field "n" needs an array/],
    ['$nin without an array', { n: { $nin: 'abc' } }, /\$nin on field "n" needs an array/],
    ['$exists without a boolean', { n: { $exists: 1 } }, /\$exists on field "n" needs true or false/],
    ['$and that is not an array', { $and: { n: 1 } }, /\$and must be a non-empty array/],
    ['an empty $or', { $or: [] }, /\$or must be a non-empty array/],
    ['a bad query inside $nor', { $nor: [{ n: { $near: 1 } }] }, /unknown operator "\$near" on field "n"/],
    ['a modifier inside $or', { $or: [{ $limit: 1 }] }, /\$or: \$limit belongs at the top level/],
    ['a query that is an array', [], /the query must be an object/],
    ['a query that is null', null, /the query must be an object/],
  ];

  for (const [what, query, message] of cases) {
    it(`throws a TypeError naming the problem for ${what}`, () => {
      let caught: unknown;
      try {
        evaluateQuery(TODOS, query as Query);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TypeError);
      expect((caught as TypeError).message).toMatch(/^yracer query: /);
      expect((caught as TypeError).message).toMatch(message);
      expect(queryProblem(query)).toMatch(message);
    });
  }

  it('finds no problem in a valid query', () => {
    expect(queryProblem({ done: false, n: { $in: [1] }, $or: [{ a: 1 }], $sort: { n: -1 }, $skip: 0, $limit: 5, $count: false })).toBeNull();
  });
});

describe('field paths', () => {
  it('reads arrays by index only, never their length or methods', () => {
    const docs = { a: { tags: ['x', 'y'] }, b: { tags: { length: 2 } } };
    expect(evaluateQuery(docs, { 'tags.length': 2 }).ids).toEqual(['b']);
    expect(evaluateQuery(docs, { 'tags.1': 'y' }).ids).toEqual(['a']);
  });

  it('refuses __proto__ in a field path', () => {
    expect(() => evaluateQuery({}, { 'a.__proto__': 1 })).toThrow(/may not contain __proto__/);
    expect(queryProblem({ $sort: { __proto__x: 1 } })).toBeNull();
  });
});

describe('string order', () => {
  it('orders strings by code point, as SQLite orders UTF-8, not by UTF-16 unit', () => {
    const docs = { a: { s: 'a' }, b: { s: '\u{10000}' }, c: { s: '\uFFFF' }, d: { s: 'B' } };
    expect(evaluateQuery(docs, { $sort: { s: 1 } }).ids).toEqual(['d', 'a', 'c', 'b']);
    expect(evaluateQuery(docs, { s: { $gt: '\uFFFF' } }).ids).toEqual(['b']);
  });

  it('refuses nesting deeper than 32 levels, also through $not, without overflowing the stack', () => {
    let condition: unknown = { $eq: 1 };
    for (let i = 0; i < 20_000; i++) condition = { $not: condition };
    expect(queryProblem({ f: condition })).toMatch(/nested deeper than 32 levels/);
  });
});
