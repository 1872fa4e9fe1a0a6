/**
 * The sequence numbers of the pending updates one offline store holds for
 * its owner, per document, so that a removal of a run of them (every one
 * stored between the first and the last: an acknowledgement, a resend that
 * merged them) can be one IndexedDB range request instead of one per update.
 */
import { partitionPoint } from '../query/partition-point.ts';

/** The first index of `list` (ascending) whose value is at least `value`. */
function lowerBound(list: readonly number[], value: number): number {
  return partitionPoint(list.length, (i) => (list[i] as number) < value);
}

/** Pending sequence numbers per document, ascending. */
export class PendingSeqs {
  readonly #byDoc = new Map<string, number[]>();

  /** A pending update `seq` of `doc` was stored. */
  add(doc: string, seq: number): void {
    const list = this.#byDoc.get(doc);
    if (!list) this.#byDoc.set(doc, [seq]);
    else if (seq > (list[list.length - 1] as number)) list.push(seq);
    else if (list[lowerBound(list, seq)] !== seq) list.splice(lowerBound(list, seq), 0, seq);
  }

  /**
   * Pending updates `seqs` of `doc` are removed. Returns their first and last
   * number when they are a run: exactly the ones stored from the first to the
   * last, so a range over that span removes them and nothing else; null otherwise.
   */
  remove(doc: string, seqs: readonly number[]): { readonly first: number; readonly last: number } | null {
    const list = this.#byDoc.get(doc);
    if (!list || seqs.length === 0) return null;
    let first = seqs[0] as number;
    let last = first;
    for (const seq of seqs) {
      if (seq < first) first = seq;
      if (seq > last) last = seq;
    }
    const from = lowerBound(list, first);
    const to = lowerBound(list, last + 1);
    const removing = new Set(seqs);
    let run = to - from === removing.size;
    for (let i = from; run && i < to; i++) run = removing.has(list[i] as number);
    if (run) list.splice(from, to - from);
    else this.#byDoc.set(doc, list.filter((seq) => !removing.has(seq)));
    if ((this.#byDoc.get(doc) as number[]).length === 0) this.#byDoc.delete(doc);
    return run ? { first, last } : null;
  }
}
