/**
 * The part of an undo manager that works on one document: a `Y.UndoManager`
 * on the document's `Y.Doc`, used as the engine that records transactions
 * and applies (reverts) recorded steps. The model's `UndoManager` keeps the
 * steps itself, in one ordered stack across documents; this class only
 * holds a step while it is being recorded or applied.
 *
 * Recorded: transactions of the model's own writes (origin `store.origin`),
 * minus what undo-filter.ts leaves out. Never recorded: remote updates,
 * loads, other origins, and writes made by listeners while a step of this
 * document is being applied.
 */
import * as Y from 'yjs';
import type { DocEntry } from '../documents/doc-entry.ts';
import { exclusionsOf, subtract, type DeleteSet, type Exclusions, type ItemScope } from './undo-filter.ts';

/** One recorded step of one document (a Yjs undo stack item). */
export type DocStep = Y.UndoManager['undoStack'][number];

/** What a document's recorder reports to the undo manager that owns it. */
export interface DocUndoHost {
  /** A new local change is about to be recorded: end the current group if its time is up. */
  beforeCapture(): void;
  /** A local change was recorded into `step` (new, or grown by the change). */
  captured(doc: DocUndo, step: DocStep): void;
  /** The document left the model (its `Y.Doc` was destroyed). */
  dropped(doc: DocUndo): void;
}

/** Records and reverts the model's own changes of one document. */
export class DocUndo {
  /** The document. */
  readonly entry: DocEntry;
  readonly #yum: Y.UndoManager;
  readonly #origin: object;
  readonly #scope: ItemScope | null;
  readonly #host: DocUndoHost;
  /** What to leave out of the transaction being recorded. */
  #pending: Exclusions | null = null;
  /** The reverse step recorded while a step is applied. */
  #inverse: DocStep | null = null;
  /** The derived (converted) values this client created, sorted: see `apply`. */
  #conversions: DeleteSet = Y.createDeleteSet();
  #alive = true;

  /**
   * @param origin The transaction origin of the model's own writes.
   * @param scope Limits recording to tracked paths; null records the whole document.
   */
  constructor(entry: DocEntry, origin: object, scope: ItemScope | null, host: DocUndoHost) {
    this.entry = entry;
    this.#origin = origin;
    this.#scope = scope;
    this.#host = host;
    this.#yum = new Y.UndoManager(entry.ydoc, {
      // Groups are ended by the owner (stopCapturing), never by Yjs' own clock.
      captureTimeout: Number.POSITIVE_INFINITY,
      trackedOrigins: new Set<unknown>([origin]),
      captureTransaction: (tr) => this.#shouldCapture(tr),
    });
    this.#yum.on('stack-item-added', (event) => this.#recorded(event.stackItem, event.origin));
    this.#yum.on('stack-item-updated', (event) => this.#recorded(event.stackItem, event.origin));
    entry.ydoc.on('destroy', this.#onDestroy);
  }

  /** False once the document left the model or the recorder was destroyed. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Ends the step being recorded: the next change starts a new one. */
  stopCapturing(): void {
    this.#yum.stopCapturing();
    this.#yum.undoStack = [];
  }

  /**
   * Reverts a recorded step (`undo`) or re-applies a reverted one (`redo`) in
   * one transaction; returns the step that reverses it, or null when it
   * changed nothing (what it touched is gone, e.g. deleted by another user).
   */
  apply(step: DocStep, kind: 'undo' | 'redo'): DocStep | null {
    if (!this.#alive) return null;
    const yum = this.#yum;
    this.#inverse = null;
    // Yjs restores an overwritten map value only when every later value under
    // its key is being deleted or is deleted by a step on its stacks; the
    // stack that is not popped holds a step "deleting" this client's own
    // conversions, so they do not block undoing a write made before them.
    const conversions: DocStep = { insertions: Y.createDeleteSet(), deletions: this.#conversions, meta: new Map() };
    yum.undoStack = kind === 'undo' ? [step] : [conversions];
    yum.redoStack = kind === 'redo' ? [step] : [conversions];
    try {
      const done = kind === 'undo' ? yum.undo() : yum.redo();
      return done === null ? null : this.#inverse;
    } finally {
      this.#inverse = null;
      yum.undoStack = [];
      yum.redoStack = [];
      yum.stopCapturing();
    }
  }

  /** Lets Yjs collect the deleted content the steps kept alive (call once they are dropped). */
  release(steps: readonly DocStep[]): void {
    if (!this.#alive || steps.length === 0) return;
    const yum = this.#yum;
    const current = yum.undoStack;
    yum.undoStack = [...steps];
    yum.redoStack = [];
    yum.clear(true, false);
    yum.undoStack = current;
  }

  /** Stops recording (the steps are dropped by the owner). */
  destroy(): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.entry.ydoc.off('destroy', this.#onDestroy);
    this.#yum.destroy();
  }

  readonly #onDestroy = (): void => {
    if (!this.#alive) return;
    this.destroy();
    this.#host.dropped(this);
  };

  #shouldCapture(tr: Y.Transaction): boolean {
    this.#pending = null;
    if (tr.origin === this.#yum) return true; // the reverse of a step being applied
    if (tr.origin !== this.#origin || this.#yum.undoing || this.#yum.redoing) return false;
    const exclusions = exclusionsOf(tr, this.#scope);
    if (exclusions === null) return false;
    if (exclusions.conversions.clients.size > 0) this.#conversions = Y.mergeDeleteSets([this.#conversions, exclusions.conversions]);
    this.#host.beforeCapture();
    this.#pending = exclusions;
    return true;
  }

  #recorded(step: DocStep, origin: unknown): void {
    if (origin === this.#yum) {
      this.#inverse = step;
      return;
    }
    const exclusions = this.#pending;
    this.#pending = null;
    if (exclusions) {
      step.insertions = subtract(step.insertions, exclusions.insertions);
      step.deletions = subtract(step.deletions, exclusions.deletions);
    }
    this.#host.captured(this, step);
  }
}
