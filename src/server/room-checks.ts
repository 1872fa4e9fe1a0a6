/**
 * `RoomChecks`: what a room offers the checking of writes (`checked-write.ts`):
 * one checked write at a time (a write's check and its `receive` run with no
 * other checked write in between), and the value before and after an update
 * without applying it, on a shadow copy of the document (`WritePreview`,
 * created by the first check: most rooms are never checked).
 */
import type * as Y from 'yjs';
import { BadUpdateError } from './bad-update-error.ts';
import { updateProblem } from './update-check.ts';
import { WritePreview } from './write-preview.ts';

/** The write checks of one room's document. */
export class RoomChecks {
  readonly #doc: Y.Doc;
  #checks: Promise<void> = Promise.resolve();
  /** A shadow copy for checking writes (created by the first check). */
  #preview: WritePreview | null = null;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
  }

  /** Runs `step` after every earlier step given here has finished. */
  exclusive<T>(step: () => Promise<T>): Promise<T> {
    const done = this.#checks.then(step);
    this.#checks = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /**
   * The document's value before and after `update`, without applying it to
   * the document. Throws `BadUpdateError` (with `integrable` for content a
   * document may not hold) when the update cannot be taken.
   */
  preview(update: Uint8Array): { readonly before: unknown; readonly after: unknown } {
    const problem = updateProblem(this.#doc, update);
    if (problem) throw new BadUpdateError(problem.message, problem.kind === 'content');
    this.#preview ??= new WritePreview(this.#doc);
    try {
      return this.#preview.preview(update);
    } catch (error) {
      throw new BadUpdateError(`the update cannot be applied: ${String(error)}`);
    }
  }

  /** The update last previewed will not be received: the shadow copy is rebuilt before the next preview. */
  refused(): void {
    this.#preview?.refused();
  }

  /** Releases the shadow copy. */
  destroy(): void {
    this.#preview?.destroy();
  }
}
