/**
 * How an offline store keeps pending updates: the pending updates of one
 * document made in one batch are one record (keyed by the owner, the
 * document and the batch's last sequence number) rather than a record each,
 * so 1,000 offline edits cost a few writes. A removal (acknowledged,
 * refused, merged into a resend) takes updates out of their group: a group
 * left empty is deleted (a run of them in one range request), one partly
 * removed is written again with what is left, so a reload never resends a
 * refused update. A group not yet written just shrinks.
 */
import { PendingSeqs } from './pending-seqs.ts';
import type { StoredPending } from './offline-store.ts';

/** A stored pending record: one update (as before groups), or a batch's updates of a document with their numbers. */
export type PendingRecord =
  | StoredPending
  | { readonly owner: string; readonly doc: string; readonly seq: number; readonly seqs: readonly number[]; readonly updates: readonly Uint8Array[] };

/** The pending updates a record holds, one `StoredPending` each. */
export function pendingOf(record: PendingRecord): StoredPending[] {
  if (!('updates' in record)) return [record];
  return record.updates.map((update, i) => ({ owner: record.owner, doc: record.doc, seq: record.seqs[i] as number, update }));
}

/** A batch's pending updates of one document. */
export interface PendingGroup {
  readonly doc: string;
  readonly seqs: number[];
  readonly updates: Uint8Array[];
  /** Its record's key (sequence number) once written; null before. */
  key: number | null;
  /** Written, then partly removed: to be written again. */
  dirty: boolean;
}

/** What a removal leaves to do in the store. */
export interface GroupRemoval {
  /** Keys of records to delete; `run`: they are every key stored from the first to the last (one range request). */
  readonly deleted: readonly number[];
  readonly run: { readonly first: number; readonly last: number } | null;
  /** Written groups that became dirty: write each again (`record`). */
  readonly rewrite: readonly PendingGroup[];
}

/** The pending groups of one store owner. */
export class PendingGroups {
  /** Per document, the group of the batch not yet written. */
  readonly #open = new Map<string, PendingGroup>();
  /** Per document, every group with updates, oldest first. */
  readonly #byDoc = new Map<string, PendingGroup[]>();
  /** Keys of written records, per document. */
  readonly #keys = new PendingSeqs();

  /** Adds an update to its document's open group; returns the group when it is new (its write is to be queued). */
  add(doc: string, seq: number, update: Uint8Array): PendingGroup | null {
    const open = this.#open.get(doc);
    if (open) {
      open.seqs.push(seq);
      open.updates.push(update);
      return null;
    }
    const group: PendingGroup = { doc, seqs: [seq], updates: [update], key: null, dirty: false };
    this.#open.set(doc, group);
    const list = this.#byDoc.get(doc);
    if (list) list.push(group);
    else this.#byDoc.set(doc, [group]);
    return group;
  }

  /** The record to write for a group now (its batch commits), or null when nothing of it is left to write. */
  record(owner: string, group: PendingGroup): PendingRecord | null {
    if (this.#open.get(group.doc) === group) this.#open.delete(group.doc);
    if (group.seqs.length === 0 || (group.key !== null && !group.dirty)) return null;
    if (group.key === null) {
      group.key = group.seqs[group.seqs.length - 1] as number;
      this.#keys.add(group.doc, group.key);
    }
    group.dirty = false;
    const { doc, key } = group;
    if (group.seqs.length === 1 && group.seqs[0] === key) return { owner, doc, seq: key, update: group.updates[0] as Uint8Array };
    return { owner, doc, seq: key, seqs: [...group.seqs], updates: [...group.updates] };
  }

  /** Takes updates `seqs` of `doc` out of their groups. */
  remove(doc: string, seqs: readonly number[]): GroupRemoval {
    const list = this.#byDoc.get(doc) ?? [];
    const removing = new Set(seqs);
    const deleted: number[] = [];
    const rewrite: PendingGroup[] = [];
    for (const group of list) {
      if (!group.seqs.some((seq) => removing.has(seq))) continue;
      for (let i = group.seqs.length - 1; i >= 0; i--) {
        if (!removing.has(group.seqs[i] as number)) continue;
        group.seqs.splice(i, 1);
        group.updates.splice(i, 1);
      }
      if (group.key === null) continue; // not written yet: it is written as it is now, or not at all
      if (group.seqs.length === 0) deleted.push(group.key);
      else if (!group.dirty) {
        group.dirty = true;
        rewrite.push(group);
      }
    }
    const left = list.filter((group) => group.seqs.length > 0);
    if (left.length > 0) this.#byDoc.set(doc, left);
    else this.#byDoc.delete(doc);
    for (const group of list) if (group.seqs.length === 0 && this.#open.get(doc) === group) this.#open.delete(doc);
    const run = deleted.length > 0 ? this.#keys.remove(doc, deleted) : null;
    return { deleted, run, rewrite };
  }
}
