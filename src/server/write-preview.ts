/**
 * What a document's value would be after an update, without applying it to
 * the document: the update is applied to a second copy of the document (a
 * shadow that follows every change of the room's document), whose value is
 * kept incrementally (`CachedValue`). So checking a write costs in
 * proportion to the change, not to the document. When the checked update is
 * then refused, the shadow holds it and is rebuilt from the room's document
 * before the next check (in proportion to the document, for refusals only).
 */
import * as Y from 'yjs';
import { CachedValue } from './cached-value.ts';

/** A shadow copy of a room's document, for checking updates. */
export class WritePreview {
  readonly #source: Y.Doc;
  #shadow: Y.Doc | null = null;
  #values: CachedValue | null = null;
  #builds = 0;
  readonly #follow = (update: Uint8Array): void => {
    if (!this.#shadow) return;
    try {
      Y.applyUpdate(this.#shadow, update);
    } catch {
      this.#drop(); // rebuilt from the source when needed
    }
  };

  constructor(source: Y.Doc) {
    this.#source = source;
    source.on('update', this.#follow);
  }

  /**
   * The value before and after `update` (applied to the shadow, not to the
   * room's document). Both share every unchanged subtree. Throws what Yjs
   * throws when the update cannot be applied.
   */
  preview(update: Uint8Array): { readonly before: unknown; readonly after: unknown } {
    if (!this.#shadow || !this.#values) {
      this.#builds += 1;
      this.#shadow = new Y.Doc({ gc: true, guid: this.#source.guid });
      Y.applyUpdate(this.#shadow, Y.encodeStateAsUpdate(this.#source));
      this.#values = new CachedValue(this.#shadow);
    }
    const before = this.#values.value();
    try {
      Y.applyUpdate(this.#shadow, update);
    } catch (error) {
      this.#drop();
      throw error;
    }
    return { before, after: this.#values.value() };
  }

  /** How many times the shadow was built from the room's document (once, plus once after each refusal). */
  get builds(): number {
    return this.#builds;
  }

  /** The update last previewed was refused (it is in the shadow only): rebuild before the next check. */
  refused(): void {
    this.#drop();
  }

  #drop(): void {
    this.#values?.destroy();
    this.#shadow?.destroy();
    this.#values = null;
    this.#shadow = null;
  }

  /** Stops following the room's document and frees the shadow. */
  destroy(): void {
    this.#source.off('update', this.#follow);
    this.#drop();
  }
}
