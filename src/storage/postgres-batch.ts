/**
 * What one group commit of `postgresStorage` writes, worked out in
 * JavaScript (`postgres-writes.ts` runs it).
 *
 * The batch's writes are grouped by document, each group in the order its
 * writes were made, the groups in a fixed order (by collection, then id):
 * the order in which every process locks rows, so two never deadlock. When
 * the batch read its documents' versions under their row locks (which hold
 * them until the transaction ends), each write's outcome is exact: an
 * append takes the next versions or, when its `expectVersion` is not the
 * version at that point, is refused (storing nothing); a JSON value without
 * a version is as of the version at that point. A blind batch (no
 * `expectVersion`, no empty append, every JSON value with its version)
 * needs no versions: its appends take the next ones, whatever they are.
 * Either way the result is one row per changed document and one per update,
 * the parameters of a single statement.
 */
import { VersionConflictError } from './storage.ts';
import type { StorageKey } from './storage-key.ts';

/** A write waiting for the next group commit: updates to append, or a document's JSON value. */
export type PostgresWrite =
  | {
      readonly kind: 'append';
      readonly key: StorageKey;
      /** Copies of the caller's updates (the caller may reuse its buffers). */
      readonly updates: readonly Uint8Array[];
      readonly expectVersion: number | undefined;
      readonly resolve: (version: number) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: 'json';
      readonly key: StorageKey;
      readonly json: string | null;
      /** The value for the `jsonb` column when it differs from `json` (see `jsonbText`), else null. */
      readonly jsonb: string | null;
      /** The version the value reflects; undefined: the document's version at that point of the batch. */
      readonly version: number | undefined;
      readonly resolve: () => void;
      readonly reject: (error: unknown) => void;
    };

/** One document's writes of a batch, in the order they were made. */
export interface DocumentWrites {
  readonly key: StorageKey;
  readonly writes: readonly PostgresWrite[];
}

/** The rows a batch writes (the parameters of its statements) and how each write settles once they commit. */
export interface BatchPlan {
  /**
   * One entry per document that changes: how many updates it appends, and
   * the JSON value the batch leaves it (`hasJson`; the one as of the highest
   * version, the later one of equals), stored unless the stored one is as
   * of a later version still (checked in SQL).
   */
  readonly documents: {
    readonly collections: string[];
    readonly ids: string[];
    readonly counts: number[];
    readonly hasJson: boolean[];
    readonly json: Array<string | null>;
    readonly jsonb: Array<string | null>;
    readonly jsonVersions: number[];
  };
  /** One entry per update appended: its document, how many updates the document appends after it, and its bytes. */
  readonly updates: { readonly collections: string[]; readonly ids: string[]; readonly after: number[]; readonly data: Uint8Array[] };
  /** True when some document gets a JSON value. */
  readonly savesJson: boolean;
  /** Per document of `groups`: how many updates it appends. */
  readonly counts: readonly number[];
  /** Settles every write of the batch, given each document's version before it (resolves, or rejects a refused append). */
  settle(before: readonly number[]): void;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The name of a key in maps (U+0000 never occurs in a stored name). */
export const keyName = (key: StorageKey): string => `${key.collection}\u0000${key.id}`;

/**
 * Groups a batch by document, each group in the order written, the groups
 * ordered by collection and id (by UTF-16 code unit, in every process alike).
 *
 * @example
 * groupByDocument(batch).map((group) => group.key.id); // ['a', 'b'] for writes to b, a, b
 */
export function groupByDocument(batch: readonly PostgresWrite[]): DocumentWrites[] {
  const groups = new Map<string, { key: StorageKey; writes: PostgresWrite[] }>();
  for (const write of batch) {
    const name = keyName(write.key);
    const group = groups.get(name);
    if (group) group.writes.push(write);
    else groups.set(name, { key: write.key, writes: [write] });
  }
  return [...groups.values()].sort((a, b) => compareText(a.key.collection, b.key.collection) || compareText(a.key.id, b.key.id));
}

/**
 * True when the batch can be written blind, without reading the versions
 * first: no append expects a version or is empty, and every JSON value
 * names its version. Each append then takes the next versions, whatever
 * they are.
 */
export function writesBlind(batch: readonly PostgresWrite[]): boolean {
  return batch.every((write) => (write.kind === 'json' ? write.version !== undefined : write.expectVersion === undefined && write.updates.length > 0));
}

/**
 * Works out a batch: `versions` holds each group's version as locked, in
 * the order of `groups`, or is null for a batch of `writesBlind` (whose
 * appends take the next versions, whatever they are). Pure: it writes
 * nothing, and settles nothing until `settle` is called.
 *
 * Applied one after another, forward only, a document's JSON values leave
 * the one as of the highest version (the later one of equals), unless the
 * stored one is as of a later version still: that is the one planned.
 *
 * @example
 * const plan = planBatch(groups, [3, 0]);
 * // ... after the statements with plan.documents and plan.updates commit:
 * plan.settle([3, 0]);
 */
export function planBatch(groups: readonly DocumentWrites[], versions: readonly number[] | null): BatchPlan {
  const documents: BatchPlan['documents'] = { collections: [], ids: [], counts: [], hasJson: [], json: [], jsonb: [], jsonVersions: [] };
  const updates: BatchPlan['updates'] = { collections: [], ids: [], after: [], data: [] };
  const counts: number[] = [];
  /** Settles one write, given its document's version before the batch. */
  const settles: Array<readonly [group: number, settle: (before: number) => void]> = [];
  groups.forEach(({ key, writes }, group) => {
    const start = versions?.[group] ?? 0;
    let count = 0;
    let kept: { readonly write: Extract<PostgresWrite, { kind: 'json' }>; readonly version: number } | null = null;
    const firstUpdate = updates.data.length;
    for (const write of writes) {
      if (write.kind === 'json') {
        if (versions === null && write.version === undefined) throw new Error('yracer postgresStorage: a JSON value without a version in a blind batch');
        const version = write.version ?? start + count;
        if (!kept || version >= kept.version) kept = { write, version };
        settles.push([group, () => write.resolve()]);
        continue;
      }
      const { expectVersion } = write;
      if (versions === null && (expectVersion !== undefined || write.updates.length === 0)) throw new Error('yracer postgresStorage: an append that is not blind in a blind batch');
      if (expectVersion !== undefined && expectVersion !== start + count) {
        const actual = start + count;
        settles.push([group, () => write.reject(new VersionConflictError(write.key, expectVersion, actual))]);
        continue;
      }
      for (const data of write.updates) {
        updates.collections.push(key.collection);
        updates.ids.push(key.id);
        updates.after.push(count); // its place for now: made relative to the end below
        updates.data.push(data);
        count += 1;
      }
      const at = count;
      settles.push([group, (before) => write.resolve(before + at)]);
    }
    for (let i = firstUpdate; i < updates.data.length; i++) updates.after[i] = count - 1 - (updates.after[i] as number);
    counts.push(count);
    if (count === 0 && !kept) return;
    documents.collections.push(key.collection);
    documents.ids.push(key.id);
    documents.counts.push(count);
    documents.hasJson.push(kept !== null);
    documents.json.push(kept?.write.json ?? null);
    documents.jsonb.push(kept?.write.jsonb ?? null);
    documents.jsonVersions.push(kept?.version ?? 0);
  });
  const settle = (before: readonly number[]): void => {
    for (const [group, settleOne] of settles) settleOne(before[group] ?? 0);
  };
  return { documents, updates, savesJson: documents.hasJson.includes(true), counts, settle };
}
