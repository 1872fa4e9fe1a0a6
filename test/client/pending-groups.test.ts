import { describe, expect, it } from 'vitest';
import { PendingGroups, pendingOf, type PendingRecord } from '../../src/client/pending-groups.ts';

const bytes = (n: number): Uint8Array => new Uint8Array([n]);

describe('PendingGroups', () => {
  it('groups the updates of a document added before the group is written, and starts a new group after', () => {
    const groups = new PendingGroups();
    const first = groups.add('a', 1, bytes(1));
    expect(first).not.toBeNull();
    expect(groups.add('a', 2, bytes(2))).toBeNull();
    expect(groups.add('b', 3, bytes(3))).not.toBeNull(); // another document: its own group
    const record = groups.record('me', first as NonNullable<typeof first>) as PendingRecord;
    expect(pendingOf(record).map((p) => [p.doc, p.seq, p.update[0]])).toEqual([
      ['a', 1, 1],
      ['a', 2, 2],
    ]);
    expect(record.seq).toBe(2);
    expect(groups.add('a', 4, bytes(4))).not.toBeNull(); // written: a new group
  });

  it('shrinks a group not yet written, and writes nothing of an emptied one', () => {
    const groups = new PendingGroups();
    const group = groups.add('a', 1, bytes(1)) as NonNullable<ReturnType<PendingGroups['add']>>;
    groups.add('a', 2, bytes(2));
    expect(groups.remove('a', [1])).toEqual({ deleted: [], run: null, rewrite: [] });
    expect(pendingOf(groups.record('me', group) as PendingRecord).map((p) => p.seq)).toEqual([2]);
    const other = groups.add('b', 3, bytes(3)) as NonNullable<ReturnType<PendingGroups['add']>>;
    groups.remove('b', [3]);
    expect(groups.record('me', other)).toBeNull();
  });

  it('deletes written groups left empty (a run of them as a range) and rewrites one partly removed', () => {
    const groups = new PendingGroups();
    const written = [1, 2, 3].map((seq) => {
      const group = groups.add('a', seq, bytes(seq)) as NonNullable<ReturnType<PendingGroups['add']>>;
      groups.record('me', group);
      return group;
    });
    const last = groups.add('a', 4, bytes(4)) as NonNullable<ReturnType<PendingGroups['add']>>;
    groups.add('a', 5, bytes(5));
    groups.record('me', last);
    expect(groups.remove('a', [1, 2])).toEqual({ deleted: [1, 2], run: { first: 1, last: 2 }, rewrite: [] });
    const removal = groups.remove('a', [4]);
    expect(removal.deleted).toEqual([]);
    expect(removal.rewrite).toEqual([last]);
    expect(pendingOf(groups.record('me', last) as PendingRecord).map((p) => p.seq)).toEqual([5]);
    expect(groups.record('me', written[2] as (typeof written)[number])).toBeNull(); // written and unchanged
  });
});
