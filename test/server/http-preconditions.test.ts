import { describe, expect, it } from 'vitest';
import { checkPreconditions, etagOf, noneMatchFails, preconditionsOf } from '../../src/server/http-preconditions.ts';
import type { HttpError } from '../../src/server/http-errors.ts';

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
