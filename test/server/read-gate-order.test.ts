/**
 * ReadGate's delivery order and timing (src/server/read-gate.ts), on a fake
 * room: a delivery goes out in the same step when the read rule's answer
 * for the current value is known, and never overtakes one that waits.
 */
import { describe, expect, it } from 'vitest';
import { AccessRules } from '../../src/server/access-rules.ts';
import { ReadGate } from '../../src/server/read-gate.ts';
import type { Room } from '../../src/server/room.ts';
import type { Rules } from '../../src/server/index.ts';

/** A stand-in for a room: its name, key and current value (a new object per change, as a room's). */
function fakeRoom(value: unknown): { room: Room; change(next: unknown): void } {
  let current = value;
  const room = { name: 'todos/a', key: { collection: 'todos', id: 'a' }, value: () => current } as unknown as Room;
  return { room, change: (next) => (current = next) };
}

function gate(rules: Rules) {
  const revoked: string[] = [];
  const logs: string[] = [];
  const readGate = new ReadGate({
    access: new AccessRules(rules, undefined),
    session: () => ({ user: 'ann' }),
    revoke: (_room, reason) => revoked.push(reason),
    log: (_level, message) => logs.push(message),
  });
  return { readGate, revoked, logs };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReadGate', () => {
  it('delivers in the same step when the read rule answers synchronously, and asks it once per value', () => {
    let asked = 0;
    const { readGate } = gate({ todos: { read: () => (asked++, true) } });
    const { room, change } = fakeRoom({ n: 1 });
    const delivered: number[] = [];
    readGate.pass(room, () => delivered.push(1));
    readGate.pass(room, () => delivered.push(2));
    expect(delivered).toEqual([1, 2]);
    expect(asked).toBe(1);
    change({ n: 2 });
    readGate.pass(room, () => delivered.push(3));
    expect(delivered).toEqual([1, 2, 3]);
    expect(asked).toBe(2);
  });

  it('revokes at once, delivering nothing more, when a synchronous rule denies the new value', () => {
    const { readGate, revoked } = gate({ todos: { read: (_session, _id, doc) => (doc as { shared?: boolean } | undefined)?.shared === true } });
    const { room, change } = fakeRoom({ shared: true });
    const delivered: number[] = [];
    readGate.pass(room, () => delivered.push(1));
    change({ shared: false });
    readGate.pass(room, () => delivered.push(2));
    change({ shared: true });
    readGate.pass(room, () => delivered.push(3)); // the gate forgot the document: a new subscribe is needed (not this)
    expect(delivered).toEqual([1, 3]);
    expect(revoked).toEqual(['rule todos.read denied it']);
  });

  it('keeps the order when an asynchronous answer is pending: later deliveries wait for it, then go at once again', async () => {
    let answer: (allowed: boolean) => void = () => undefined;
    let asynchronous = true;
    const { readGate } = gate({
      todos: { read: () => (asynchronous ? new Promise<boolean>((resolve) => (answer = resolve)) : true) },
    });
    const { room, change } = fakeRoom({ n: 1 });
    const delivered: number[] = [];
    readGate.pass(room, () => delivered.push(1));
    asynchronous = false;
    readGate.pass(room, () => delivered.push(2)); // same value: waits behind the first
    change({ n: 2 });
    readGate.pass(room, () => delivered.push(3)); // known at once, but must not overtake 1 and 2
    expect(delivered).toEqual([]);
    answer(true);
    await flush();
    expect(delivered).toEqual([1, 2, 3]);
    readGate.pass(room, () => delivered.push(4));
    expect(delivered).toEqual([1, 2, 3, 4]); // nothing waits any more: in the same step
  });

  it('logs a delivery that throws and keeps delivering', () => {
    const { readGate, logs } = gate({ todos: { read: () => true } });
    const { room } = fakeRoom({ n: 1 });
    const delivered: number[] = [];
    readGate.pass(room, () => {
      throw new Error('socket gone');
    });
    readGate.pass(room, () => delivered.push(2));
    expect(delivered).toEqual([2]);
    expect(logs.some((line) => line.includes('socket gone'))).toBe(true);
  });
});
