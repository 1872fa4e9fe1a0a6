/**
 * `model.undoManager(paths?)`: undo and redo of this model's own changes.
 *
 * Every document is its own `Y.Doc`, so each tracked document gets a
 * recorder (doc-undo.ts) and this class keeps one ordered stack of steps
 * across documents: a step holds, per document, what one group of changes
 * did there. Changes less than `captureTimeoutMs` apart join one step, even
 * across documents; `stopCapturing()` ends a step. Only writes made through
 * this model (any scoped model of it) are recorded: changes that arrive from
 * the server or other peers never are, and undo never reverts them.
 */
import type { DocEntry } from '../documents/doc-entry.ts';
import { DocUndo, type DocStep, type DocUndoHost } from './doc-undo.ts';
import { modelError } from '../model-error.ts';
import type { ModelStore } from '../documents/model-store.ts';
import { joinPath, pathProblem, splitPath, type Subpath } from '../paths/path.ts';
import { scopeOf } from './undo-filter.ts';

/** Options of `model.undoManager()`. */
export interface UndoManagerOptions {
  /**
   * Changes less than this many milliseconds apart form one undo step
   * (default 500). `0` makes every write its own step; `Infinity` leaves it
   * to `stopCapturing()`.
   */
  readonly captureTimeoutMs?: number;
}

/** One undo (or redo) step: what it did per document. */
type Step = Map<DocUndo, DocStep>;

const DEFAULT_CAPTURE_TIMEOUT_MS = 500;

/**
 * Undo and redo of one model's own changes at some paths, grouped into steps
 * by a short capture window. Create it with `model.undoManager(paths?)`.
 *
 * Undo reverts the most recent step (all documents it touched) and makes it
 * redoable; a new change clears the redo steps. Undo and redo are ordinary
 * local writes: they emit the usual model events and sync to the server.
 * What another user changed in the meantime stays: undo removes only what
 * this model inserted and restores only what it deleted. The first
 * `increment`, `stringInsert` or write below a missing object converts a
 * value in a way peers share (see stable-replace.ts); undoing that edit
 * keeps the converted value, so a field that was missing reads `0`, `''` or
 * `{}` afterwards, and another user's concurrent edits inside it survive.
 *
 * @example
 * const history = model.undoManager(['todos']);
 * model.set('todos.a1.title', 'Milk');
 * history.undo();   // todos.a1.title is back to what it was
 * history.redo();   // 'Milk' again
 * const stop = history.subscribe(() => render(history.canUndo, history.canRedo));
 */
export class UndoManager {
  readonly #store: ModelStore;
  /** Tracked paths as segments (`[]` = every synced document). */
  readonly #paths: readonly (readonly string[])[];
  readonly #timeout: number;
  readonly #docs = new Map<DocEntry, DocUndo>();
  #undoSteps: Step[] = [];
  #redoSteps: Step[] = [];
  /** The step being recorded (the top of the undo stack), or null when the next change starts one. */
  #open: Step | null = null;
  #lastChange = 0;
  #applying = false;
  #changedWhileApplying = false;
  #destroyed = false;
  readonly #listeners = new Set<() => void>();
  #shown: [boolean, boolean] = [false, false];
  readonly #host: DocUndoHost = {
    beforeCapture: () => {
      if (this.#open !== null && Date.now() - this.#lastChange >= this.#timeout) this.#closeStep();
    },
    captured: (doc, step) => this.#captured(doc, step),
    dropped: (doc) => this.#dropped(doc),
  };
  readonly #onEntry = (entry: DocEntry): void => this.#track(entry);

  /**
   * @internal Use `model.undoManager()`.
   * @param paths Tracked paths as segments, already checked (`[]` tracks every synced document).
   */
  constructor(store: ModelStore, paths: readonly (readonly string[])[], options: UndoManagerOptions = {}) {
    const timeout = options.captureTimeoutMs ?? DEFAULT_CAPTURE_TIMEOUT_MS;
    if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
      throw new TypeError(`yracer undoManager(): captureTimeoutMs must be a number >= 0, got ${String(timeout)}`);
    }
    this.#store = store;
    this.#paths = paths;
    this.#timeout = timeout;
    store.entryOpened.add(this.#onEntry);
    for (const entry of store.entries()) this.#track(entry);
  }

  /** True when there is a step to undo. */
  get canUndo(): boolean {
    return this.#undoSteps.length > 0;
  }

  /** True when there is an undone step to redo. */
  get canRedo(): boolean {
    return this.#redoSteps.length > 0;
  }

  /**
   * Reverts the most recent step in every document it touched; returns true
   * when something changed. Steps whose changes are all gone (e.g. another
   * user deleted what they wrote) are skipped.
   */
  undo(): boolean {
    return this.#apply('undo');
  }

  /** Re-applies the most recently undone step; returns true when something changed. */
  redo(): boolean {
    return this.#apply('redo');
  }

  /** Ends the current step: the next change starts a new one, however soon it comes. */
  stopCapturing(): void {
    this.#closeStep();
  }

  /** Forgets every undo and redo step. */
  clear(): void {
    this.#closeStep();
    const dropped = [...this.#undoSteps, ...this.#redoSteps];
    this.#undoSteps = [];
    this.#redoSteps = [];
    release(dropped);
    this.#notify();
  }

  /**
   * Calls `listener` whenever `canUndo` or `canRedo` changes; returns the
   * function that stops it (the shape `useSyncExternalStore` expects).
   */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Stops recording and forgets every step; the manager can no longer undo. */
  destroy(): void {
    if (this.#destroyed) return;
    this.clear();
    this.#destroyed = true;
    this.#store.entryOpened.delete(this.#onEntry);
    for (const doc of this.#docs.values()) doc.destroy();
    this.#docs.clear();
    this.#listeners.clear();
  }

  #apply(kind: 'undo' | 'redo'): boolean {
    if (this.#destroyed) return false;
    this.#closeStep();
    this.#applying = true;
    this.#changedWhileApplying = false;
    let done = false;
    try {
      // A step that changes nothing (what it touched is gone) is dropped, and the next one is tried.
      while (!done && !this.#changedWhileApplying) {
        const step = (kind === 'undo' ? this.#undoSteps : this.#redoSteps).pop();
        if (step === undefined) break;
        const inverse: Step = new Map();
        // Last document first: the reverse order of recording.
        for (const [doc, docStep] of [...step].reverse()) {
          const back = doc.apply(docStep, kind);
          if (back !== null) inverse.set(doc, back);
        }
        if (inverse.size === 0) continue;
        done = true;
        // A write made meanwhile (by a listener) cleared the redo steps: the undone step is not redoable.
        if (kind === 'redo') this.#undoSteps.push(inverse);
        else if (!this.#changedWhileApplying) this.#redoSteps.push(inverse);
      }
    } finally {
      this.#applying = false;
      this.#notify();
    }
    return done;
  }

  #closeStep(): void {
    this.#open = null;
    for (const doc of this.#docs.values()) doc.stopCapturing();
  }

  #captured(doc: DocUndo, docStep: DocStep): void {
    if (this.#applying) this.#changedWhileApplying = true;
    if (this.#open === null) {
      this.#open = new Map();
      this.#undoSteps.push(this.#open);
    }
    this.#open.set(doc, docStep);
    this.#lastChange = Date.now();
    if (this.#redoSteps.length > 0) {
      const dropped = this.#redoSteps;
      this.#redoSteps = [];
      // Releasing runs a transaction on each document: not from inside this one's.
      queueMicrotask(() => release(dropped));
    }
    this.#notify();
  }

  #dropped(doc: DocUndo): void {
    this.#docs.delete(doc.entry);
    const prune = (steps: Step[]): Step[] =>
      steps.filter((step) => {
        step.delete(doc);
        return step.size > 0;
      });
    this.#undoSteps = prune(this.#undoSteps);
    this.#redoSteps = prune(this.#redoSteps);
    if (this.#open !== null && this.#open.size === 0) this.#open = null;
    this.#notify();
  }

  #track(entry: DocEntry): void {
    if (this.#destroyed || this.#docs.has(entry)) return;
    const specs = this.#specsFor(entry);
    if (specs === undefined) return;
    const scope = specs === null ? null : scopeOf(entry.root, specs);
    this.#docs.set(entry, new DocUndo(entry, this.#store.origin, scope, this.#host));
  }

  /** Tracked Yjs key paths of a document: null for the whole document, undefined when it is not tracked. */
  #specsFor(entry: DocEntry): (readonly string[])[] | null | undefined {
    const specs: (readonly string[])[] = [];
    for (const path of this.#paths) {
      const [collection, id, ...rest] = path;
      if (collection === undefined) {
        if (!entry.local) return null; // every synced document; `_` and `$` ones only when named
        continue;
      }
      if (collection !== entry.collection || (id !== undefined && id !== entry.id)) continue;
      if (rest.length === 0) return null;
      specs.push(entry.ySegments(rest));
    }
    return specs.length > 0 ? specs : undefined;
  }

  #notify(): void {
    const shown: [boolean, boolean] = [this.canUndo, this.canRedo];
    if (shown[0] === this.#shown[0] && shown[1] === this.#shown[1]) return;
    this.#shown = shown;
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        // Often called from inside a Yjs transaction: a listener's error must not break it.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** Lets Yjs collect what dropped steps kept alive, per document. */
function release(steps: readonly Step[]): void {
  const perDoc = new Map<DocUndo, DocStep[]>();
  for (const step of steps) {
    for (const [doc, docStep] of step) {
      const list = perDoc.get(doc);
      if (list) list.push(docStep);
      else perDoc.set(doc, [docStep]);
    }
  }
  for (const [doc, list] of perDoc) doc.release(list);
}

/**
 * The tracked paths of `model.undoManager(paths?)` as segments: each path
 * (or subpath number) is relative to the model's path; none means the
 * model's own path. Throws when one is not a valid path.
 */
export function undoPaths(scopePath: string, paths: Subpath | readonly Subpath[] | undefined): string[][] {
  const list: readonly Subpath[] = paths === undefined ? [''] : Array.isArray(paths) ? paths : [paths as Subpath];
  return list.map((subpath) => {
    if (typeof subpath !== 'string' && typeof subpath !== 'number') {
      throw new TypeError(`yracer undoManager(): a path must be a string, got ${subpath === null ? 'null' : typeof subpath}`);
    }
    const path = joinPath(scopePath, subpath);
    const segments = splitPath(path);
    const problem = pathProblem(segments);
    if (problem) throw modelError('error', 'undoManager', path, `invalid path: ${problem}`);
    return segments;
  });
}
