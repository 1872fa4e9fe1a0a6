import { describe, expect, it } from 'vitest';
import { JoinedCallback } from '../../../src/model/mutations/joined-callback.ts';

describe('JoinedCallback', () => {
  it('calls back once, after seal, when every part reported', () => {
    const calls: Array<Error | undefined> = [];
    const joined = new JoinedCallback((error) => calls.push(error));
    const [a, b] = [joined.part(), joined.part()];
    a?.();
    joined.seal();
    expect(calls).toEqual([]);
    b?.();
    b?.(); // a part reporting twice counts once
    expect(calls).toEqual([undefined]);
  });

  it('passes the first error any part reported', () => {
    const calls: Array<Error | undefined> = [];
    const joined = new JoinedCallback((error) => calls.push(error));
    const parts = [joined.part(), joined.part(), joined.part()];
    joined.seal();
    parts[1]?.(new Error('first'));
    parts[0]?.();
    parts[2]?.(new Error('second'));
    expect(calls.map((error) => error?.message)).toEqual(['first']);
  });

  it('calls back at seal when no part was handed out, and hands out none without a callback', () => {
    const calls: Array<Error | undefined> = [];
    const joined = new JoinedCallback((error) => calls.push(error));
    joined.seal();
    expect(calls).toEqual([undefined]);
    expect(new JoinedCallback(undefined).part()).toBeUndefined();
  });
});
