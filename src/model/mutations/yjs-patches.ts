/**
 * A performance fix applied to Yjs once: when this module is loaded, and
 * again (a no-op then) by `installYjsPatches()` calls in the code that needs
 * it (every model store and server room).
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
 * Behaviour is otherwise identical; test/model/mutations/yjs-patches.test.ts checks it.
 *
 * Why explicit calls and not only a bare `import './yjs-patches.ts'`: the
 * package declares `"sideEffects": false`, so a bundler drops a module none
 * of whose exports is used, and a bare import uses none. A consumer's
 * production build would then ship unpatched Yjs. Importing and calling
 * `installYjsPatches` keeps this module (and so the call below) in every
 * bundle that holds a model or a server; test/model/yjs-patches-bundle.test.ts
 * builds such a bundle with Vite and checks the patch works in it.
 */
import * as Y from 'yjs';

const PATCHED = Symbol.for('yracer.yjs-content-any-patch');

interface PatchableContentAny {
  arr: unknown[];
}

const proto = Y.ContentAny.prototype as unknown as Record<PropertyKey, unknown>;

/** Patches Yjs' `ContentAny` (see above); once per copy of Yjs, later calls do nothing. */
export function installYjsPatches(): void {
  if (proto[PATCHED] === true) return;
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

installYjsPatches();

/** True once the patch is installed (it is, whenever this module was imported). */
export const yjsPatched = (): boolean => proto[PATCHED] === true;
