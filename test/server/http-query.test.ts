import { describe, expect, it } from 'vitest';
import { useResources } from '../helpers/server-fixtures.ts';
import { call, startApi, type Api } from '../helpers/http-fixtures.ts';

const resources = useResources();

const ann = { user: 'ann' };
const bob = { user: 'bob' };

/** Stores todos t0..t9 (rank = n): ann's, shared when n is even, and bob's b0..b2 (rank 100 + n). */
async function seeded(): Promise<Api> {
  const api = await startApi(resources);
  for (let n = 0; n < 10; n++) {
    const answer = await call(api.base, 'PUT', `/docs/todos/t${n}`, { ...ann, body: { owner: 'ann', title: `t${n}`, rank: n, shared: n % 2 === 0 } });
    expect(answer.status).toBe(201);
  }
  for (let n = 0; n < 3; n++) await call(api.base, 'PUT', `/docs/todos/b${n}`, { ...bob, body: { owner: 'bob', title: `b${n}`, rank: 100 + n } });
  return api;
}

/** Every page of a query, following the cursors. */
async function allPages(base: string, user: { user: string }, query: unknown, pageSize: number): Promise<Array<{ ids: string[]; next: string | null }>> {
  const pages: Array<{ ids: string[]; next: string | null }> = [];
  let cursor: string | null = null;
  do {
    const answer = await call(base, 'POST', '/query/todos', { ...user, body: { query, pageSize, ...(cursor ? { cursor } : {}) } });
    expect(answer.status).toBe(200);
    pages.push({ ids: answer.body.docs.map((doc: { id: string }) => doc.id), next: answer.body.next });
    cursor = answer.body.next;
  } while (cursor !== null && pages.length < 20);
  return pages;
}

describe('POST /query/:collection', () => {
  it('pages a sorted query with cursors, each document once, with its value', async () => {
    const { base } = await seeded();
    const first = await call(base, 'POST', '/query/todos', { ...ann, body: { query: { owner: 'ann', $sort: { rank: -1 } }, pageSize: 4 } });
    expect(first.body.docs[0]).toEqual({ id: 't9', value: { owner: 'ann', title: 't9', rank: 9, shared: false } });
    const pages = await allPages(base, ann, { owner: 'ann', $sort: { rank: -1 } }, 4);
    expect(pages.map((page) => page.ids)).toEqual([
      ['t9', 't8', 't7', 't6'],
      ['t5', 't4', 't3', 't2'],
      ['t1', 't0'],
    ]);
    expect(pages.at(-1)?.next).toBeNull();
  });

  it('ends with next null when the last page is exactly full', async () => {
    const { base } = await seeded();
    const pages = await allPages(base, ann, { owner: 'ann', $sort: { rank: 1 } }, 5);
    expect(pages.map((page) => page.ids.length)).toEqual([5, 5]);
    expect(pages[1]?.next).toBeNull();
  });

  it("returns and counts only what the session's read rule allows", async () => {
    const { base } = await seeded();
    const pages = await allPages(base, bob, { $sort: { rank: 1 } }, 3);
    expect(pages.flatMap((page) => page.ids)).toEqual(['t0', 't2', 't4', 't6', 't8', 'b0', 'b1', 'b2']);
    expect(pages.map((page) => page.ids.length)).toEqual([3, 3, 2]);
    expect(await call(base, 'POST', '/query/todos', { ...bob, body: { query: { $count: true } } })).toEqual(expect.objectContaining({ status: 200, body: { count: 8 } }));
    expect((await call(base, 'POST', '/query/todos', { ...ann, body: { query: { $count: true } } })).body).toEqual({ count: 10 });
  });

  it("keeps to the query's own $skip and $limit across pages", async () => {
    const { base } = await seeded();
    const pages = await allPages(base, ann, { owner: 'ann', $sort: { rank: 1 }, $skip: 2, $limit: 5 }, 2);
    expect(pages.map((page) => page.ids)).toEqual([['t2', 't3'], ['t4', 't5'], ['t6']]);
    expect(pages.at(-1)?.next).toBeNull();
  });

  it('sees a write made just before (loaded documents save their JSON first)', async () => {
    const { base } = await seeded();
    await call(base, 'PATCH', '/docs/todos/t3', { ...ann, body: { title: 'renamed' } });
    const answer = await call(base, 'POST', '/query/todos', { ...ann, body: { query: { title: 'renamed' } } });
    expect(answer.body.docs.map((doc: { id: string }) => doc.id)).toEqual(['t3']);
  });

  it('refuses bad queries, page sizes, cursors and collection names with 400', async () => {
    const { base } = await seeded();
    const next = (await call(base, 'POST', '/query/todos', { ...ann, body: { query: { owner: 'ann' }, pageSize: 2 } })).body.next as string;
    const cases: Array<[string, unknown, string, string]> = [
      ['/query/todos', { query: { rank: { $bogus: 1 } } }, 'bad-query', '$bogus'],
      ['/query/todos', { query: [] }, 'bad-query', 'must be an object'],
      ['/query/todos', [], 'bad-request', 'must be an object'],
      ['/query/todos', { query: {}, pageSize: 0 }, 'bad-request', 'pageSize'],
      ['/query/todos', { query: {}, pageSize: 5000 }, 'bad-request', 'pageSize'],
      ['/query/todos', { query: {}, pageSize: 2.5 }, 'bad-request', 'pageSize'],
      ['/query/todos', { query: {}, cursor: 'not a cursor' }, 'bad-request', 'cursor'],
      ['/query/todos', { query: {}, cursor: 42 }, 'bad-request', 'cursor'],
      ['/query/todos', { query: { owner: 'bob' }, pageSize: 2, cursor: next }, 'bad-request', 'another query'],
      ['/query/todos', { query: {}, limit: 3 }, 'bad-request', 'unknown field "limit"'],
      ['/query/9x', { query: {} }, 'bad-doc-name', 'collection'],
    ];
    for (const [path, body, code, words] of cases) {
      const answer = await call(base, 'POST', path, { ...ann, body });
      expect({ path, body, status: answer.status, code: answer.body.error.code }).toEqual({ path, body, status: 400, code });
      expect(answer.body.error.message).toContain(words);
    }
    expect((await call(base, 'POST', '/query/todos', { ...ann, body: { query: { owner: 'ann' }, pageSize: 2, cursor: next } })).body.docs).toHaveLength(2);
  });

  it('answers an empty result when nothing matches, or in a collection without rules', async () => {
    const { base } = await seeded();
    expect((await call(base, 'POST', '/query/todos', { ...ann, body: { query: { owner: 'carl' } } })).body).toEqual({ docs: [], next: null });
    expect((await call(base, 'POST', '/query/notes', { ...ann, body: {} })).body).toEqual({ docs: [], next: null });
  });
});
