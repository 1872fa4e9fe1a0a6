import { describe, expect, it } from 'vitest';
import { checkPreconditions, etagOf, noneMatchFails, preconditionsOf } from '../../src/server/http-preconditions.ts';
import type { HttpError } from '../../src/server/http-errors.ts';
import { loadStored, useResources } from '../helpers/server-fixtures.ts';
import { call, startApi } from '../helpers/http-fixtures.ts';

const resources = useResources();
const ann = { user: 'ann' };
const todo = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({ owner: 'ann', title: 'one', ...fields });

const refusal = (run: () => void): HttpError | null => {
  try {
    run();
    return null;
  } catch (error) {
    return error as HttpError;
  }
};

describe('etagOf', () => {
  it('gives equal values the same quoted tag whatever their key order, and other values others', () => {
    expect(etagOf({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe(etagOf({ a: { c: 'x', d: [1, 2] }, b: 1 }));
    expect(etagOf({ a: 1 })).toMatch(/^"[\w-]{27}"$/);
    expect(etagOf({ a: 1 })).not.toBe(etagOf({ a: '1' }));
    expect(etagOf({ a: [1, 2] })).not.toBe(etagOf({ a: [2, 1] }));
  });
});

describe('preconditionsOf', () => {
  it('reads If-Match and If-None-Match lists and *', () => {
    expect(preconditionsOf({ 'if-match': '"a", W/"b"', 'if-none-match': '*' })).toEqual({ ifMatch: ['"a"', 'W/"b"'], ifNoneMatch: '*' });
    expect(preconditionsOf({})).toEqual({});
  });
});

describe('checkPreconditions', () => {
  const value = { title: 'x' };
  const tag = etagOf(value);

  it('lets a write go ahead when If-Match names the current tag or is * on an existing document', () => {
    expect(refusal(() => checkPreconditions({ ifMatch: ['"other"', tag] }, value, 'todos/a'))).toBeNull();
    expect(refusal(() => checkPreconditions({ ifMatch: '*' }, value, 'todos/a'))).toBeNull();
    expect(refusal(() => checkPreconditions({}, undefined, 'todos/a'))).toBeNull();
  });

  it('refuses with 412 when If-Match names another tag, a weak one, or the document is missing', () => {
    for (const [ifMatch, current] of [[['"other"'], value], [[`W/${tag}`], value], ['*', undefined]] as const) {
      const error = refusal(() => checkPreconditions({ ifMatch }, current, 'todos/a'));
      expect(error).toMatchObject({ status: 412, code: 'precondition-failed' });
      expect(error?.message).toContain('todos/a');
    }
  });

  it('refuses with 412 when If-None-Match is * and the document exists, or names its tag', () => {
    expect(refusal(() => checkPreconditions({ ifNoneMatch: '*' }, value, 'todos/a'))).toMatchObject({ status: 412 });
    expect(refusal(() => checkPreconditions({ ifNoneMatch: '*' }, undefined, 'todos/a'))).toBeNull();
    expect(noneMatchFails({ ifNoneMatch: [`W/${tag}`] }, value)).toBe(true);
    expect(noneMatchFails({ ifNoneMatch: ['"other"'] }, value)).toBe(false);
  });
});

describe('httpHandler conditional requests', () => {
  it('tags documents: GET and writes answer the ETag of the value, and a GET with it in If-None-Match answers 304', async () => {
    const { base } = await startApi(resources);
    const created = await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
    const read = await call(base, 'GET', '/docs/todos/a', ann);
    expect(read.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(created.headers.get('etag')).toBe(read.headers.get('etag'));
    const head = await fetch(`${base}/docs/todos/a`, { method: 'HEAD', headers: { 'x-user': 'ann' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(read.headers.get('etag'));
    expect(await head.text()).toBe('');
    const cached = await fetch(`${base}/docs/todos/a`, { headers: { 'x-user': 'ann', 'if-none-match': read.headers.get('etag') ?? '' } });
    expect(cached.status).toBe(304);
    const patched = await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: true } });
    expect(patched.headers.get('etag')).not.toBe(read.headers.get('etag'));
    expect((await call(base, 'GET', '/docs/todos/a', ann)).headers.get('etag')).toBe(patched.headers.get('etag'));
  });

  it('writes with If-Match only while the document has that value: 412 precondition-failed otherwise, nothing stored', async () => {
    const { t, base } = await startApi(resources);
    const etag = (await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).headers.get('etag') ?? '';
    const conditional = async (method: string, body: unknown, ifMatch: string): Promise<number> => {
      const response = await fetch(`${base}/docs/todos/a`, {
        method,
        headers: { 'x-user': 'ann', 'content-type': 'application/json', 'if-match': ifMatch },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await response.text();
      return response.status;
    };
    expect(await conditional('PATCH', { title: 'two' }, etag)).toBe(200);
    expect(await conditional('PATCH', { title: 'three' }, etag)).toBe(412);
    expect(await conditional('PUT', todo({ title: 'three' }), etag)).toBe(412);
    expect(await conditional('DELETE', undefined, etag)).toBe(412);
    expect((await loadStored(t.storage, 'todos/a')).value).toEqual(todo({ title: 'two' }));
    expect(await conditional('DELETE', undefined, '*')).toBe(200);
    expect(await conditional('PUT', todo(), '*')).toBe(412);
  });

  it('lets exactly one of two concurrent writes with the same If-Match through', async () => {
    const { base } = await startApi(resources);
    const etag = (await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).headers.get('etag') ?? '';
    const patch = (title: string): Promise<Response> =>
      fetch(`${base}/docs/todos/a`, { method: 'PATCH', headers: { 'x-user': 'ann', 'content-type': 'application/json', 'if-match': etag }, body: JSON.stringify({ title }) });
    const statuses = (await Promise.all([patch('left'), patch('right')])).map((response) => response.status);
    expect(statuses.sort()).toEqual([200, 412]);
  });

  it('creates only with If-None-Match: *', async () => {
    const { base } = await startApi(resources);
    const create = (): Promise<Response> =>
      fetch(`${base}/docs/todos/a`, { method: 'PUT', headers: { 'x-user': 'ann', 'content-type': 'application/json', 'if-none-match': '*' }, body: JSON.stringify(todo()) });
    expect((await create()).status).toBe(201);
    const again = await create();
    expect(again.status).toBe(412);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('precondition-failed');
  });
});
