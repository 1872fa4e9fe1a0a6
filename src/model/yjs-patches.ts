/**
 * A performance fix applied to Yjs once, when the model is first imported.
 *
 * Yjs merges consecutive single-value inserts from one client into one item
 * after every transaction, and `ContentAny.mergeWith` does it with
 * `this.arr = this.arr.concat(right.arr)`, copying the whole run each time.
 * Pushing n primitives one at a time is therefore O(n^2): 20,000 pushes take
 * about six times as long as 10,000. Appending in place makes each merge
 * O(size of the right part). `copy()` is changed to copy the array, so no two
 * items ever share one (the only place where in-place appends could leak). In
 * Yjs' development mode content arrays are frozen; a frozen one is copied once
 * before it grows.
 * Behaviour is otherwise identical; test/model/yjs-patches.test.ts checks it.
 */
import * as Y from 'yjs';

const PATCHED = Symbol.for('yracer.yjs-content-any-patch');

interface PatchableContentAny {
  arr: unknown[];
}

const proto = Y.ContentAny.prototype as unknown as Record<PropertyKey, unknown>;

if (proto[PATCHED] !== true) {
  proto[PATCHED] = true;
  proto['mergeWith'] = function mergeWith(this: PatchableContentAny, right: PatchableContentAny): boolean {
    // In its development mode (NODE_ENV=development) Yjs freezes content arrays: copy once, then grow in place.
    if (Object.isFrozen(this.arr)) this.arr = this.arr.slice();
    const target = this.arr;
    const source = right.arr;
    for (let i = 0; i < source.length; i++) target.push(source[i]);
    return true;
  };
  proto['copy'] = function copy(this: PatchableContentAny): Y.ContentAny {
    return new Y.ContentAny(this.arr.slice());
  };
}

/** True once the patch is installed (it is, whenever this module was imported). */
export const yjsPatched = (): boolean => proto[PATCHED] === true;
