/**
 * A shared table of query cases over one fixed set of documents, run by
 * `query-agreement.test.ts` against `evaluateQuery`, both storage adapters
 * and (for `QUERY_CASES`) the reference implementation `mingo`. Every case
 * must select the same ids in the same order everywhere.
 */
import type { QueryExpression } from '../../src/query/query-expression.ts';

/** One query of the table. */
export interface QueryCase {
  readonly name: string;
  readonly query: QueryExpression;
}

/** The documents of collection `things`, by id: mixed types, nesting, arrays of scalars and objects. */
export const QUERY_DOCS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  a: { n: 1, s: 'apple', b: true, tags: ['x', 'y'], nested: { k: 1, deep: { v: 'p' } }, items: [{ name: 'i1', qty: 2 }, { name: 'i2', qty: 5 }], score: 10 },
  b: { n: 2.5, s: 'banana', b: false, tags: ['y'], nested: { k: 2 }, items: [{ name: 'i3', qty: 1 }], score: -3 },
  c: { n: -4, s: 'Cherry', b: null, tags: [], nested: { k: 'two' }, items: [], score: 0 },
  d: { n: 0, s: '', tags: ['x', null], nested: null, score: 10.5, grid: [[1, 2], [3, 4]] },
  e: { n: '5', s: 'date', b: 1, tags: 'x', nested: { k: [1, 2, 3] } },
  f: { n: null, s: 'elder', b: 0, tags: ['x', 'y', 'z'], items: [{ name: 'i1', qty: 9 }, 'loose', 3, null] },
  g: { s: 'fig', tags: [1, 2, 3], nested: { k: 1.0 }, score: 3 },
  h: { n: 100, s: 'grape 🍇', b: true, tags: [['x', 'y'], 'x'], nested: { deep: { v: 'q' } }, score: 3 },
  i: { n: 0.001, s: 'Ápple', b: false, tags: [true, 'true'], score: [1, 20] },
  j: { n: -0.5, s: 'apple pie', b: 'true', tags: [false], nested: { k: { z: 1 } }, score: { x: 1 } },
  k: { n: 7, s: 5, b: true, tags: ['y', 'x'], arr0: { '0': 'obj-zero' }, score: 3 },
  l: { n: 7, s: 'kiwi', list: [10, 20, 30], arr0: ['arr-zero'], score: null },
  m: {},
  o: { n: 3, s: 'it\'s 100% "quoted"', tags: ['a'], items: [{ name: 'i2', qty: 5, tags: ['red'] }, { name: 'i4', qty: 0 }], score: false },
  p: { n: 2, s: 'lemon', b: false, items: [{ name: 'i5', sub: { w: 1 } }, { qty: 4 }], score: true, big: 9007199254740992 },
};

const c = (name: string, query: QueryExpression): QueryCase => ({ name, query });

/** Cases where yracer, SQLite and mingo agree. */
export const QUERY_CASES: readonly QueryCase[] = [
  // equality
  c('the empty query selects every document in id order', {}),
  c('a string equals', { s: 'apple' }),
  c('an integer equals (and 1.0 is 1)', { n: 1 }),
  c('a real equals', { n: 2.5 }),
  c('a negative number equals', { n: -4 }),
  c('zero equals', { n: 0 }),
  c('true is not the number 1', { b: true }),
  c('the number 1 is not true', { b: 1 }),
  c('false is not the number 0', { b: false }),
  c('the string "true" is not true', { b: 'true' }),
  c('the string "5" is not the number 5', { n: '5' }),
  c('null matches null and missing fields', { n: null }),
  c('null matches null, missing, and arrays holding null', { tags: null }),
  c('a value matches an array holding it and the scalar itself', { tags: 'x' }),
  c('an array equals a whole array or an element that is that array', { tags: ['x', 'y'] }),
  c('whole-array equality keeps the order', { tags: ['y', 'x'] }),
  c('the empty array equals only empty arrays', { tags: [] }),
  c('a number is found in an array of numbers', { tags: 1 }),
  c('true is found in an array, "true" is not true', { tags: true }),
  c('a dotted path reads nested objects', { 'nested.k': 1 }),
  c('a deeper dotted path', { 'nested.deep.v': 'p' }),
  c('a nested array contains the value', { 'nested.k': 2 }),
  c('an array index reads an element', { 'grid.0': [1, 2] }),
  c('array indexes in a row', { 'grid.1.0': 3 }),
  c('an index reads the element of an array', { 'arr0.0': 'arr-zero' }),
  c('an index past the end is missing', { 'list.5': null }),
  c('an index into a list of numbers', { 'list.1': 20 }),
  c('quotes and percent signs are matched literally', { s: 'it\'s 100% "quoted"' }),
  c('a percent sign is not a wildcard', { s: '%' }),
  c('an emoji string equals', { s: 'grape 🍇' }),
  c('$eq is plain equality', { n: { $eq: 7 } }),
  c('$eq with an array', { 'nested.k': { $eq: [1, 2, 3] } }),
  c('$eq null', { b: { $eq: null } }),
  c('a large integer equals', { big: 9007199254740992 }),
  // $ne
  c('$ne true keeps everything else, including missing', { b: { $ne: true } }),
  c('$ne null keeps present non-null values', { n: { $ne: null } }),
  c('$ne excludes arrays holding the value', { tags: { $ne: 'x' } }),
  c('$ne with a whole array', { tags: { $ne: ['x', 'y'] } }),
  // $in / $nin
  c('$in over strings', { s: { $in: ['apple', 'fig', 'nope'] } }),
  c('$in mixing numbers and a numeric string', { n: { $in: [1, 7, '5'] } }),
  c('$in with true and null', { b: { $in: [true, null] } }),
  c('$in against array fields', { tags: { $in: ['z', 1] } }),
  c('$in with many numbers', { n: { $in: [2, 2.5, 3, 100, -0.5, 0.001] } }),
  c('$nin with null', { n: { $nin: [1, 2.5, null] } }),
  c('$in with no candidates matches nothing', { n: { $in: [] } }),
  c('$nin with no candidates matches everything', { n: { $nin: [] } }),
  c('$nin excludes arrays holding a candidate', { tags: { $nin: ['x'] } }),
  // ranges
  c('$gt compares numbers with numbers only', { n: { $gt: 1 } }),
  c('$gte includes the bound', { n: { $gte: 1 } }),
  c('$lt finds negatives', { n: { $lt: 0 } }),
  c('$lte includes zero', { n: { $lte: 0 } }),
  c('$gt and $lt together', { n: { $gt: 0, $lt: 5 } }),
  c('$gt on strings skips numbers', { s: { $gt: 'b' } }),
  c('$lt on strings: uppercase sorts first', { s: { $lt: 'D' } }),
  c('a string range', { s: { $gte: 'apple', $lt: 'b' } }),
  c('a range matches array elements', { tags: { $gt: 'x' } }),
  c('a number range over an array of numbers', { tags: { $gte: 2 } }),
  c('a range over arrays and scalars', { score: { $gt: 5 } }),
  c('each range operator may match a different element', { score: { $gt: 5, $lt: 15 } }),
  c('a range on a nested field with an array', { 'nested.k': { $lt: 2 } }),
  c('a range near 2^53', { big: { $gt: 9007199254740990 } }),
  // $exists
  c('$exists false: missing, not null', { n: { $exists: false } }),
  c('$exists true: null counts as present', { b: { $exists: true } }),
  c('$exists on a nested path', { 'nested.deep': { $exists: true } }),
  c('$exists false past the end of an array', { 'grid.5': { $exists: false } }),
  // $not
  c('$not of a range includes other types and missing', { n: { $not: { $gt: 1 } } }),
  c('$not of $in', { s: { $not: { $in: ['apple', 'banana'] } } }),
  c('$not of $exists', { n: { $not: { $exists: true } } }),
  c('$not of $not', { n: { $not: { $not: { $gte: 2 } } } }),
  c('$not of $elemMatch', { tags: { $not: { $elemMatch: { $eq: 'x' } } } }),
  // $elemMatch
  c('$elemMatch document form', { items: { $elemMatch: { name: 'i1' } } }),
  c('$elemMatch with two conditions on one element', { items: { $elemMatch: { name: 'i2', qty: { $gte: 5 } } } }),
  c('$elemMatch range on one element', { items: { $elemMatch: { qty: { $gt: 3, $lt: 8 } } } }),
  c('$elemMatch with a dotted path inside', { items: { $elemMatch: { 'sub.w': 1 } } }),
  c('$elemMatch over an array inside the element', { items: { $elemMatch: { tags: 'red' } } }),
  c('$elemMatch operator form with a range', { list: { $elemMatch: { $gt: 15, $lt: 25 } } }),
  c('$elemMatch finds a null element', { tags: { $elemMatch: { $eq: null } } }),
  c('$elemMatch on an array field with scalars', { score: { $elemMatch: { $gte: 20 } } }),
  c('$elemMatch nested in $elemMatch', { grid: { $elemMatch: { $elemMatch: { $eq: 4 } } } }),
  c('$elemMatch with $in', { tags: { $elemMatch: { $in: ['z', true] } } }),
  c('$elemMatch with $or inside', { items: { $elemMatch: { $or: [{ qty: 0 }, { name: 'i3' }] } } }),
  c('$elemMatch on a nested array', { 'nested.k': { $elemMatch: { $gte: 3 } } }),
  c('$elemMatch with $ne', { tags: { $elemMatch: { $ne: 'x' } } }),
  c('$elemMatch with a missing field in an object element', { items: { $elemMatch: { name: { $exists: false } } } }),
  // logic
  c('$or', { $or: [{ n: 1 }, { s: 'fig' }] }),
  c('$and', { $and: [{ n: { $gt: 0 } }, { n: { $lt: 5 } }] }),
  c('$nor', { $nor: [{ b: true }, { b: false }] }),
  c('$or of $and and $nor', { $or: [{ $and: [{ n: { $gte: 2 } }, { b: false }] }, { $nor: [{ tags: { $exists: true } }] }] }),
  c('a field and $or together', { s: { $exists: true }, $or: [{ tags: 'x' }, { 'nested.k': 1 }] }),
  c('$and of $or', { $and: [{ $or: [{ n: 1 }, { n: 7 }] }, { $or: [{ s: 'kiwi' }, { b: true }] }] }),
  c('$nor with $not inside', { $nor: [{ n: { $not: { $lt: 3 } } }, { b: null }] }),
  // sort
  c('sort ascending over mixed types: missing and null, numbers, strings', { $sort: { n: 1 } }),
  c('sort descending over mixed types', { $sort: { n: -1 } }),
  c('sort booleans after numbers and strings', { $sort: { b: 1 } }),
  c('two sort keys', { $sort: { b: -1, n: 1 } }),
  c('sort strings with a number among them', { $sort: { s: 1 } }),
  c('sort strings descending', { $sort: { s: -1 } }),
  c('sort ties are broken by id, descending when the last key is', { score: { $in: [3, 10, 10.5] }, $sort: { score: -1 } }),
  c('sort on a field every document misses keeps id order', { $sort: { missing: -1 } }),
  c('sort on a filtered set', { n: 7, $sort: { s: 1 } }),
  c('sort on a nested path', { 'nested.deep.v': { $exists: true }, $sort: { 'nested.deep.v': -1 } }),
  // skip, limit, count
  c('limit the first three', { $sort: { n: 1 }, $skip: 0, $limit: 3 }),
  c('skip and limit in the middle', { $sort: { n: -1 }, $skip: 2, $limit: 3 }),
  c('skip past the end', { $skip: 100 }),
  c('limit 0', { $limit: 0 }),
  c('skip near the end with a larger limit', { $skip: 14, $limit: 5 }),
  c('a limit larger than the set', { $limit: 1000 }),
  c('skip after a filter and sort', { n: { $gt: 0 }, $sort: { n: -1 }, $skip: 1 }),
  c('$count of everything', { $count: true }),
  c('$count with a condition', { b: true, $count: true }),
  c('$count after skip and limit', { $count: true, $skip: 3, $limit: 2 }),
  c('$count past the end', { $count: true, $skip: 100 }),
  c('$count with limit 0', { $count: true, $limit: 0 }),
  c('$count false is a normal query', { $count: false, n: 7 }),
  // array indexes in paths
  c('an index then a name reads a field of one element', { 'items.0.name': 'i1' }),
  c('a field of the second element', { 'items.1.qty': 5 }),
  c('an index segment reads the key "0" of an object', { 'arr0.0': 'obj-zero' }),
  c('an element that is an array contains the value', { 'grid.0': 1 }),
  c('an index is not applied to each element of an array', { 'grid.0': 3 }),
  c('two indexes in a row in a range', { 'grid.1.1': { $gte: 4 } }),
  c('an index into a string is missing', { 'tags.0': 'x' }),
  c('an index reads a scalar element of a mixed array', { 'items.1': 'loose' }),
  c('an index into a nested array', { 'nested.k.0': 1 }),
  c('an index inside a document $elemMatch', { items: { $elemMatch: { 'tags.0': 'red' } } }),
  c('sort on a path through an array index', { $sort: { 'items.0.qty': 1 } }),
  c('sort on a path through two array indexes', { $sort: { 'grid.1.0': -1, n: 1 } }),
  // more mixtures
  c('$elemMatch never matches a scalar field', { tags: { $elemMatch: { $eq: 'x' } } }),
  c('$exists and $ne together', { n: { $exists: true, $ne: null } }),
  c('$elemMatch with $not', { list: { $elemMatch: { $not: { $gt: 15 } } } }),
  c('whole-array equality with a null element', { tags: ['x', null] }),
  c('an array equals an element of an array of arrays', { grid: [3, 4] }),
  c('$ne the empty array', { tags: { $ne: [] } }),
  c('a range never matches booleans', { b: { $gt: 0 } }),
  c('a string range skips numbers', { n: { $lte: '5' } }),
  c('two descending sort keys over mixed types', { $sort: { b: -1, s: -1 } }),
  c('null on a dotted path matches when a parent is null or missing', { 'nested.k': null }),
  c('null deep below a missing parent', { 'nested.deep.v': null }),
  c('$exists false below a non-object', { 'nested.k.z': { $exists: false } }),
];

/**
 * Cases where mingo (7.x) differs from yracer's documented semantics, so only
 * `evaluateQuery` and the storage adapters are compared (they must agree).
 */
export const NOT_MINGO_CASES: readonly QueryCase[] = [
  // mingo's $in/$nin with an array candidate only look for it among the elements, never compare the whole array.
  c('$in with whole arrays', { tags: { $in: [['x', 'y'], []] } }),
  c('$nin with a whole array', { tags: { $nin: [['x', 'y']] } }),
  // mingo (like MongoDB) fans a dotted path out over the elements of an array; yracer does not (use $elemMatch).
  c('a dotted path does not reach into an array of objects', { 'items.name': 'i1' }),
  c('a dotted range does not reach into an array of objects', { 'items.qty': { $gt: 3 } }),
  // mingo sorts an array by its smallest (ascending) or largest (descending) element and
  // objects by their content; yracer ranks all arrays equal, and all objects equal.
  c('sort ascending with arrays and objects among the keys', { $sort: { score: 1 } }),
  c('sort descending with arrays and objects among the keys', { $sort: { score: -1 } }),
  c('sort a nested key holding an array and an object', { $sort: { 'nested.k': 1 } }),
  c('sort on an array field', { $sort: { tags: 1, n: -1 } }),
  // mingo's document-form $elemMatch also tests elements that are not objects (a string, a number, null).
  c('document $elemMatch skips elements that are not objects', { items: { $elemMatch: { sub: { $exists: true } } } }),
  c('document $elemMatch with $nor skips elements that are not objects', { items: { $elemMatch: { $nor: [{ name: 'i1' }] } } }),
];
