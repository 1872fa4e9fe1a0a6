/**
 * Differences between two ordered id lists as insert, remove and move
 * operations (what a query's result did), and applying them. Moves keep the
 * longest run of ids already in order in place, so a document that moved one
 * step is one move, not a shuffle of everything around it.
 */
import { longestIncreasing } from './longest-increasing.ts';

/** One operation on an ordered id list; applied in order, each index refers to the list as the previous operations left it. */
export type IdOp =
  | { readonly type: 'insert'; readonly index: number; readonly ids: readonly string[] }
  | { readonly type: 'remove'; readonly index: number; readonly ids: readonly string[] }
  | { readonly type: 'move'; readonly from: number; readonly to: number; readonly ids: readonly string[] };

/** The operations that turn `before` into `after` (ids are unique in each list). */
export function diffIds(before: readonly string[], after: readonly string[]): IdOp[] {
  const ops: IdOp[] = [];
  const target = new Set(after);
  const current: string[] = [];
  // Removals, from the end so indexes stay valid; consecutive ones grouped.
  for (let i = before.length - 1; i >= 0; ) {
    const id = before[i] as string;
    if (target.has(id)) {
      i -= 1;
      continue;
    }
    let start = i;
    while (start > 0 && !target.has(before[start - 1] as string)) start -= 1;
    ops.push({ type: 'remove', index: start, ids: before.slice(start, i + 1) });
    i = start - 1;
  }
  for (const id of before) if (target.has(id)) current.push(id);
  const kept = new Set(current);
  const order = after.filter((id) => kept.has(id));
  // Moves: everything outside the longest increasing run (by target position) moves once.
  const rank = new Map(order.map((id, i) => [id, i]));
  const stay = longestIncreasing(current.map((id) => rank.get(id) as number));
  const staying = new Set(stay.map((i) => current[i] as string));
  for (let k = 0; k < order.length; k++) {
    const id = order[k] as string;
    if (staying.has(id)) continue;
    // Place it right after the id before it in the target order (already placed).
    const from = current.indexOf(id);
    current.splice(from, 1);
    const to = k === 0 ? 0 : current.indexOf(order[k - 1] as string) + 1;
    current.splice(to, 0, id);
    if (from !== to) ops.push({ type: 'move', from, to, ids: [id] });
  }
  // Insertions, in order; consecutive ones grouped.
  for (let i = 0; i < after.length; ) {
    if (kept.has(after[i] as string)) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < after.length && !kept.has(after[end] as string)) end += 1;
    ops.push({ type: 'insert', index: i, ids: after.slice(i, end) });
    i = end;
  }
  return ops;
}

/**
 * Applies operations to a list, returning a new list. Throws a `RangeError`
 * when an operation does not fit the list (an index out of range, or removed
 * or moved ids that are not where the operation says).
 */
export function applyIdOps(ids: readonly string[], ops: readonly IdOp[]): string[] {
  const out = [...ids];
  for (const op of ops) {
    if (op.type === 'insert') {
      if (op.index > out.length) throw new RangeError(`insert at ${op.index} past the end (${out.length})`);
      out.splice(op.index, 0, ...op.ids);
      continue;
    }
    const from = op.type === 'remove' ? op.index : op.from;
    for (let i = 0; i < op.ids.length; i++) {
      if (out[from + i] !== op.ids[i]) throw new RangeError(`${op.type}: ${String(op.ids[i])} is not at ${from + i}`);
    }
    const taken = out.splice(from, op.ids.length);
    if (op.type === 'move') {
      if (op.to > out.length) throw new RangeError(`move to ${op.to} past the end (${out.length})`);
      out.splice(op.to, 0, ...taken);
    }
  }
  return out;
}
