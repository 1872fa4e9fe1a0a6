/**
 * `increment`: numbers that merge concurrent increments.
 *
 * The first increment turns a plain number into a counter: a `Y.Map` holding
 * the base value under a reserved key and, per Yjs client, the sum of that
 * client's increments. Its snapshot is the total. Two peers that each add 1
 * while apart therefore give +2 once they meet, even when both converted the
 * same plain number (see stable-replace.ts).
 */
import * as Y from 'yjs';
import type { DocEntry } from '../documents/doc-entry.ts';
import { locateField, materialize } from '../paths/locate.ts';
import { modelError } from '../model-error.ts';
import { stableReplace } from './stable-replace.ts';
import { commit, type WriteCallback, type WriteScope } from './write-scope.ts';
import { COUNTER_KEY, describeNode, isCounter, mapGet, type YType } from '../paths/y-node.ts';

function newCounter(base: number): Y.Map<number> {
  return new Y.Map<number>([[COUNTER_KEY, base]]);
}

/** Adds `by` to this client's share of a counter (inside a transaction). */
export function addToCounter(counter: YType, doc: Y.Doc, by: number): void {
  const key = String(doc.clientID);
  const mine = mapGet(counter, key);
  (counter as Y.Map<number>).set(key, (typeof mine === 'number' ? mine : 0) + by);
}

/** `increment(path, by)`: adds `by` (default 1) and returns the new value. */
export function increment(scope: WriteScope, path: string, by: number, callback?: WriteCallback): number {
  const location = locateField(scope.store, 'increment', path, 'a number');
  const { target } = location;
  if (typeof by !== 'number' || !Number.isFinite(by)) {
    throw modelError('type', 'increment', path, `the increment must be a finite number, got ${String(by)}`);
  }
  const node = location.node;
  const isNumber = typeof node === 'number' || (node instanceof Y.Map && isCounter(node));
  if (node !== undefined && !isNumber) {
    throw modelError('type', 'increment', path, `${path} is ${describeNode(node)}, not a number`);
  }
  const current = scope.store.read(target.segments);
  const next = (typeof current === 'number' ? current : 0) + by;
  if (!Number.isFinite(next)) {
    throw modelError('range', 'increment', path, `${String(current)} + ${by} is not a finite number`);
  }
  const entry: DocEntry = location.entry ?? scope.store.ensureEntry(target.collection, target.id);
  commit(scope, entry, () => {
    let counter = node instanceof Y.Map ? (node as YType) : null;
    if (counter === null) {
      const base = typeof node === 'number' ? node : 0;
      const parent = materialize(entry, location.ySegments);
      if (parent instanceof Y.Array) {
        const index = Number(location.key);
        if (index < parent.length) parent.delete(index, 1);
        counter = newCounter(base);
        parent.insert(index, [counter]);
      } else {
        counter = stableReplace(parent, location.key, 'counter', node, () => newCounter(base));
      }
    }
    addToCounter(counter, entry.ydoc, by);
  }, callback);
  return scope.store.read(target.segments) as number;
}
