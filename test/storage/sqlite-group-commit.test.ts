import { describe, expect, it } from 'vitest';
import type { Committer } from '../../src/storage/sqlite-commit-thread.ts';
import { groupCommit } from '../../src/storage/sqlite-group-commit.ts';
import type { DocumentWrite, WriteOutcome } from '../../src/storage/sqlite-writes.ts';
import { VersionConflictError } from '../../src/storage/storage.ts';

/** A committer whose commits finish when the test says so. */
function heldCommitter() {
  const batches: Array<readonly DocumentWrite[]> = [];
  const finish: Array<(outcomes: readonly WriteOutcome[] | Error) => void> = [];
  let called: () => void = () => undefined;
  const committer: Committer = {
    commit: (batch) =>
      new Promise<readonly WriteOutcome[]>((resolve, reject) => {
        batches.push(batch);
        finish.push((outcomes) => (outcomes instanceof Error ? reject(outcomes) : resolve(outcomes)));
        called();
      }),
    close: async () => undefined,
  };
  /** Resolves when the committer has been asked for its `n`-th batch. */
  const batch = (n: number): Promise<readonly DocumentWrite[]> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (batches.length >= n) resolve(batches[n - 1] as readonly DocumentWrite[]);
        else called = check;
      };
      check();
    });
  return { committer, batches, finish, batch };
}

const append = (id: string, byte: number): DocumentWrite => ({
  kind: 'append',
  key: { collection: 'todos', id },
  updates: [new Uint8Array([byte])],
  expectVersion: undefined,
});
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('groupCommit', () => {
  it('sends the writes of one turn as one batch, and resolves each with its outcome after the commit', async () => {
    const held = heldCommitter();
    const writes = groupCommit(held.committer);
    const a = writes.write(append('a', 1));
    const b = writes.write(append('b', 2));
    expect((await held.batch(1)).map((write) => write.key.id)).toEqual(['a', 'b']);
    held.finish[0]?.([4, 7]);
    expect(await Promise.all([a, b])).toEqual([4, 7]);
  });

  it('groups every write made while a batch commits into the next batch, sent once the commit is done', async () => {
    const held = heldCommitter();
    const writes = groupCommit(held.committer);
    const first = writes.write(append('a', 1));
    await held.batch(1);
    const later = [writes.write(append('b', 2))];
    await turn();
    later.push(writes.write(append('c', 3)));
    await turn();
    later.push(writes.write(append('d', 4)));
    await turn();
    expect(held.batches).toHaveLength(1); // nothing else is sent while the first commit runs
    held.finish[0]?.([1]);
    expect(await first).toBe(1);
    expect((await held.batch(2)).map((write) => write.key.id)).toEqual(['b', 'c', 'd']);
    held.finish[1]?.([1, 1, 1]);
    expect(await Promise.all(later)).toEqual([1, 1, 1]);
    expect(held.batches).toHaveLength(2);
  });

  it('rejects every write of a batch whose commit failed, and sends the next batch all the same', async () => {
    const held = heldCommitter();
    const writes = groupCommit(held.committer);
    const a = writes.write(append('a', 1));
    const b = writes.write(append('b', 2));
    await held.batch(1);
    const c = writes.write(append('c', 3));
    held.finish[0]?.(new Error('disk I/O error'));
    await expect(a).rejects.toThrow(/disk I\/O error/);
    await expect(b).rejects.toThrow(/disk I\/O error/);
    await held.batch(2);
    held.finish[1]?.([1]);
    expect(await c).toBe(1);
  });

  it("turns a write's refusal into VersionConflictError or RangeError for that write alone", async () => {
    const held = heldCommitter();
    const writes = groupCommit(held.committer);
    const conflict = writes.write({ ...append('a', 1), expectVersion: 3 } as DocumentWrite);
    const compaction = writes.write({ kind: 'compact', key: { collection: 'todos', id: 'b' }, state: new Uint8Array([1]), through: 9 });
    const fine = writes.write(append('c', 1));
    await held.batch(1);
    held.finish[0]?.([{ refused: 'version-conflict', expected: 3, actual: 5 }, { refused: 'no-version', through: 9 }, 1]);
    const error = await conflict.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expected: 3, actual: 5 });
    await expect(compaction).rejects.toThrow(RangeError);
    await expect(compaction).rejects.toThrow(/todos\/b has no version 9/);
    expect(await fine).toBe(1);
  });

  it('settles once every write made so far has committed, sending the queued ones without waiting for the turn to end', async () => {
    const held = heldCommitter();
    const writes = groupCommit(held.committer);
    void writes.write(append('a', 1));
    let settled = false;
    const done = writes.settled().then(() => (settled = true));
    expect(held.batches).toHaveLength(1); // sent at once
    void writes.write(append('b', 2)); // made while waiting: settled() waits for it too
    held.finish[0]?.([1]);
    await held.batch(2);
    expect(settled).toBe(false);
    held.finish[1]?.([1]);
    await done;
    expect(settled).toBe(true);
  });
});
