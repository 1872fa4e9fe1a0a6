/**
 * The change log of every storage (change-log.ts): per-collection seqs
 * assigned in order, a document's older version skipped, pages read after a
 * position, retention by time and by rows, and (Postgres) two storages
 * recording into one collection at once. Postgres tests skip with one line
 * when no server answers (YRACER_REQUIRE_POSTGRES=1 fails instead).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStorage, sqliteStorage, type Storage } from '../../src/server/index.ts';
import type { ChangeLog, ChangeRecord } from '../../src/storage/change-log.ts';
import { tempDir } from '../helpers/client-fixtures.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const pg = postgresScope();

/** The change log of a storage (every adapter has one). */
function changesOf(storage: Storage): ChangeLog {
  if (!storage.changes) throw new Error('the storage has no change log');
  return storage.changes;
}

const change = (id: string, version: number, value: unknown, collection = 'todos'): ChangeRecord => ({
  collection,
  id,
  version,
  json: value === undefined ? null : JSON.stringify(value),
});

const kinds: Array<[string, () => Promise<Storage>]> = [
  ['memoryStorage', async () => memoryStorage()],
  [
    'sqliteStorage (disk, commit thread)',
    async () => {
      const temp = tempDir();
      const storage = sqliteStorage(join(temp.dir, 'changes.db'));
      cleanups.push(() => temp.remove(), () => storage.close());
      return storage;
    },
  ],
  [
    'sqliteStorage (:memory:)',
    async () => {
      const storage = sqliteStorage(':memory:');
      cleanups.push(() => storage.close());
      return storage;
    },
  ],
];
if (postgresAvailable) kinds.push(['postgresStorage', async () => pg.open(await pg.freshSchema({ create: false }))]);

describe.each(kinds)('change log of %s', (_name, open) => {
  it('numbers each collection\'s changes 1, 2, 3 in the order recorded, with their values', async () => {
    const log = changesOf(await open());
    const before = Date.now();
    await log.record([change('a', 1, { n: 1 }), change('b', 1, { n: 2 }), change('x', 1, { n: 3 }, 'notes')]);
    await log.record([change('a', 2, undefined)]);
    const rows = await log.read('todos', 0, 10);
    expect(rows.map(({ seq, id, version, json }) => ({ seq, id, version, json }))).toEqual([
      { seq: 1, id: 'a', version: 1, json: '{"n":1}' },
      { seq: 2, id: 'b', version: 1, json: '{"n":2}' },
      { seq: 3, id: 'a', version: 2, json: null },
    ]);
    expect(rows.every((row) => row.collection === 'todos' && row.time >= before && row.time <= Date.now())).toBe(true);
    expect((await log.read('notes', 0, 10)).map((row) => [row.seq, row.id])).toEqual([[1, 'x']]);
    expect(await log.read('other', 0, 10)).toEqual([]);
  });

  it('reads pages after a position', async () => {
    const log = changesOf(await open());
    await log.record([...Array(7)].map((_, i) => change(`d${i}`, 1, i)));
    expect((await log.read('todos', 2, 3)).map((row) => row.seq)).toEqual([3, 4, 5]);
    expect((await log.read('todos', 5, 3)).map((row) => row.seq)).toEqual([6, 7]);
    expect(await log.read('todos', 7, 3)).toEqual([]);
  });

  it('skips a change of a document whose later version is recorded, and keeps the seqs gapless', async () => {
    const log = changesOf(await open());
    await log.record([change('a', 3, 'three')]);
    await log.record([change('a', 2, 'two'), change('a', 3, 'again'), change('b', 1, 'b')]);
    expect((await log.read('todos', 0, 10)).map((row) => [row.seq, row.id, row.version])).toEqual([
      [1, 'a', 3],
      [2, 'b', 1],
    ]);
  });

  it('drops changes older than a time and all but the last rows of each collection, and keeps counting after', async () => {
    const log = changesOf(await open());
    await log.record([change('a', 1, 1), change('b', 1, 1), change('c', 1, 1), change('d', 1, 1), change('e', 1, 1, 'notes')]);
    expect(await log.prune({ keepRows: 2 })).toBe(2);
    expect((await log.read('todos', 0, 10)).map((row) => row.seq)).toEqual([3, 4]);
    expect((await log.read('notes', 0, 10)).map((row) => row.seq)).toEqual([1]);
    await log.record([change('f', 1, 1)]);
    expect((await log.read('todos', 0, 10)).map((row) => row.seq)).toEqual([3, 4, 5]);
    expect(await log.prune({ before: Date.now() + 1 })).toBe(4);
    expect(await log.read('todos', 0, 10)).toEqual([]);
    await log.record([change('g', 1, 1)]);
    expect((await log.read('todos', 0, 10)).map((row) => row.seq)).toEqual([6]);
    expect(await log.prune({ before: 0 })).toBe(0);
  });
});

describe.skipIf(!postgresAvailable)('change log of postgresStorage shared by two storages', () => {
  it('refuses a name Postgres text cannot hold, storing nothing of the batch', async () => {
    const log = changesOf(pg.open(await pg.freshSchema({ create: false })));
    await expect(log.record([change('ok', 1, 1), change('a\u0000b', 1, 1)])).rejects.toThrow(/holds U\+0000 or an unpaired surrogate/);
    await expect(log.read('to\u0000dos', 0, 10)).rejects.toThrow(TypeError);
    expect(await log.read('todos', 0, 10)).toEqual([]);
    await log.record([change('ok', 1, { text: 'nul \u0000 and lone \ud800 survive' })]);
    expect((await log.read('todos', 0, 10)).map((row) => JSON.parse(row.json ?? 'null') as unknown)).toEqual([{ text: 'nul \u0000 and lone \ud800 survive' }]);
  });

  it('gives two storages recording one collection at once distinct, gapless seqs, and a reader never sees a seq filled in late', async () => {
    const schema = await pg.freshSchema({ create: false });
    const [one, two] = [changesOf(pg.open(schema)), changesOf(pg.open(schema))] as const;
    const reader = changesOf(pg.open(schema));
    const N = 40;
    let done = false;
    const seen: number[] = [];
    // The reader reads after the last seq it saw while the writers record: a late lower seq would be missed.
    const reading = (async () => {
      while (!done || seen.length < 2 * N) {
        const rows = await reader.read('todos', seen[seen.length - 1] ?? 0, 1000);
        seen.push(...rows.map((row) => row.seq));
        if (done && rows.length === 0 && seen.length < 2 * N) break;
      }
    })();
    await Promise.all([
      (async () => {
        for (let i = 0; i < N; i++) await one.record([change(`one${i}`, 1, i)]);
      })(),
      (async () => {
        for (let i = 0; i < N; i++) await two.record([change(`two${i}`, 1, i)]);
      })(),
    ]);
    done = true;
    await reading;
    expect(seen).toEqual([...Array(2 * N)].map((_, i) => i + 1));
    const rows = await reader.read('todos', 0, 1000);
    expect(new Set(rows.map((row) => row.id)).size).toBe(2 * N);
  });
});
