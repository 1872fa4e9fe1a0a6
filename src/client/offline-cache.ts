/**
 * The sync client's use of an offline store: what it loads into the model
 * when a document or query is held, what it records as updates arrive and
 * leave, and the pending writes it takes over from an earlier page load.
 */
import * as Y from 'yjs';
import type { Model } from '../model/model.ts';
import type { DocRef } from '../model/documents/sync-port.ts';
import { docName, parseDocName } from '../protocol/doc-name.ts';
import { isEmptyUpdate } from '../protocol/sync-payload.ts';
import type { OfflineStore, StoredPending, StoredQuery } from './offline-store.ts';
import type { PendingObserver } from './pending-writes.ts';
import { onPageHide } from './page-hide.ts';
import { TabChannel } from './tab-channel.ts';

/** The key of a query in the offline store. */
export function queryKey(collection: string, expressionText: string): string {
  return `${collection}\n${expressionText}`;
}

/** Transaction origin of updates from other tabs of this browser (each tab sends its own). */
export const TAB_ORIGIN: unique symbol = Symbol('yracer:tab');

/** What the offline cache needs from its sync client. */
export interface OfflineHost {
  /** True while a document has writes the server has not acknowledged. */
  hasPending(doc: string): boolean;
  /** Records a local write as pending and sends it. */
  sendTracked(doc: string, update: Uint8Array): void;
  /** The Yjs document of a synced document the model holds. */
  ydoc(doc: string): Y.Doc | undefined;
  /** Holds a document in fetch mode without asking the server (its offline copy loads). */
  keep(ref: DocRef): void;
  /** Releases a `keep`. */
  release(ref: DocRef): void;
  /** Which documents have writes the server lacks changed (for watchers of pending state). */
  changed(): void;
}

/** Connects one sync client to an offline store (and, where BroadcastChannel exists, to the other tabs). */
export class OfflineCache implements PendingObserver {
  readonly store: OfflineStore;
  readonly #model: Model;
  readonly #host: OfflineHost;
  readonly #tabs: TabChannel | null;
  /** Documents to load in the next batch, with what to call once each is in the model. */
  #loading = new Map<string, { ref: DocRef; done: ((found: boolean) => void)[] }>();
  #scheduled = false;
  #closed = false;
  /** While pending writes of earlier page loads are being taken over: settles when done. */
  #adopting: Promise<void> | null = null;
  /** Documents kept loaded because writes of an earlier page load were taken over for them. */
  readonly #adopted = new Set<string>();
  /** Documents kept loaded because another tab wrote them and the server does not have that yet. */
  readonly #fromTabs = new Set<string>();
  /** Stops committing the store's writes when the page is hidden or unloaded. */
  readonly #stopPageHide: () => void;

  constructor(model: Model, store: OfflineStore, host: OfflineHost, tabs: boolean) {
    this.#model = model;
    this.store = store;
    this.#host = host;
    this.#tabs = tabs
      ? new TabChannel(
          `yracer-tabs ${store.name}`,
          store.owner,
          (doc, update) => this.#applyTabUpdate(doc, update),
          (doc) => {
            this.#release(this.#fromTabs, doc);
            host.changed();
          },
        )
      : null;
    // The page may be going away: what is written so far commits now and reaches the other tabs (failures are reported by the store).
    this.#stopPageHide = onPageHide(() => {
      this.#tabs?.flush();
      void this.flush().catch(() => undefined);
    });
  }

  /** Resolves once every write made so far (local changes, server updates, pending writes) is committed to the store. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /**
   * Another tab's local update: applied here, sent by that tab. A document
   * this model does not hold (one the other tab just created, say) is kept
   * loaded until the server has that tab's writes, so queries over the model
   * see it meanwhile (the server's live queries take over after).
   */
  #applyTabUpdate(doc: string, update: Uint8Array): void {
    const ref = parseDocName(doc);
    if (!ref) return;
    this.#host.changed();
    try {
      const ydoc = this.#host.ydoc(doc);
      if (ydoc) {
        Y.applyUpdate(ydoc, update, TAB_ORIGIN);
        return;
      }
      if (this.#closed || this.#fromTabs.has(doc)) return;
      this.#fromTabs.add(doc);
      this.#host.keep(ref);
      this.#model.store.load(ref.collection, ref.id, update);
    } catch (error) {
      console.error(`yracer: applying another tab's update of ${doc} threw`, error);
    }
  }

  /** True while another tab has writes of a document the server may lack. */
  hasTabWrites(doc: string): boolean {
    return this.#tabs?.hasWrites(doc) ?? false;
  }

  /** Releases a document kept for one reason (taken-over writes, another tab's writes) once that reason is gone. */
  #release(kept: Set<string>, doc: string): void {
    const ref = parseDocName(doc);
    if (ref && kept.delete(doc)) this.#host.release(ref);
  }

  /**
   * Loads a document's offline copy into the model (documents asked for in
   * one turn load in one read); `done(found)` is called once it is in.
   */
  load(ref: DocRef, done: (found: boolean) => void = () => undefined): void {
    const name = docName(ref.collection, ref.id);
    const waiting = this.#loading.get(name);
    if (waiting) waiting.done.push(done);
    else this.#loading.set(name, { ref, done: [done] });
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => void this.#loadBatch());
  }

  async #loadBatch(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#loading;
    this.#loading = new Map();
    let found: Map<string, Uint8Array>;
    try {
      found = await this.store.loadDocs([...batch.keys()]);
    } catch (error) {
      console.error('yracer: reading the offline store failed', error);
      found = new Map();
    }
    const model = this.#model;
    const results: Array<[(found: boolean) => void, boolean]> = [];
    // One delivery of events for the whole batch: a query over these documents changes once.
    model.store.batch(() => {
      for (const [name, { ref, done }] of batch) {
        const update = found.get(name);
        const entry = model.store.entry(ref.collection, ref.id);
        const usable = update !== undefined && entry !== undefined && !this.#closed && !model.store.closed;
        if (usable) {
          try {
            // Merged like any other source; a document already loaded from the server emits only what changed.
            model.store.load(ref.collection, ref.id, update);
          } catch (error) {
            console.error(`yracer: loading ${ref.collection}.${ref.id} from the offline store threw`, error);
          }
        }
        for (const fn of done) results.push([fn, usable]);
      }
    });
    for (const [fn, usable] of results) fn(usable);
  }

  /** Records an update of a document from the server (an empty one, as a subscribe's answer can be, is left out). */
  record(name: string, update: Uint8Array): void {
    if (!this.#closed && !isEmptyUpdate(update)) this.store.append(name, update);
  }

  /** Records a local update of a document and posts it to the other tabs. */
  recordLocal(name: string, update: Uint8Array): void {
    if (this.#closed) return;
    this.store.append(name, update);
    this.#tabs?.post(name, update);
  }

  /** What to send for a local update: with the other tabs' unconfirmed updates it builds on. */
  outgoing(name: string, update: Uint8Array): Uint8Array {
    return this.#tabs ? this.#tabs.withDependencies(name, update) : update;
  }

  /** The state vector to answer the server's with: other tabs send their own updates. */
  replyVector(name: string, stateVector: Uint8Array): Uint8Array {
    return this.#tabs ? this.#tabs.withoutOthers(name, stateVector) : stateVector;
  }

  /** Drops a document's offline copy (the server refused a write of it: the next load comes from the server). */
  forget(name: string): void {
    if (!this.#closed) this.store.forget(name);
  }

  added(doc: string, seq: number, update: Uint8Array): void {
    if (!this.#closed) this.store.addPending(doc, seq, update);
  }

  removed(doc: string, seqs: readonly number[]): void {
    if (this.#closed) return;
    this.store.removePending(doc, seqs);
    if (this.#host.hasPending(doc)) return;
    this.#tabs?.stored(doc);
    this.#release(this.#adopted, doc);
  }

  /**
   * Takes over the pending writes of earlier page loads and closed tabs (one
   * run at a time): each is sent again as this client's, merged per
   * document, and its document is kept loaded until the server has it, so
   * queries over the model see what was written offline.
   */
  adopt(): void {
    if (this.#adopting || this.#closed) return;
    this.#adopting = this.#adoptPending().finally(() => (this.#adopting = null));
  }

  /** Resolves once a running `adopt` is done (at once when none runs). */
  async whenAdopted(): Promise<void> {
    await this.#adopting;
  }

  /** True while `adopt` runs. */
  get adopting(): boolean {
    return this.#adopting !== null;
  }

  async #adoptPending(): Promise<void> {
    // The store hands them over inside the transaction that removes them, where it can: they are stored again at once.
    let resent = false;
    let records: readonly StoredPending[];
    try {
      records = await this.store.adoptPending((taken) => {
        resent = true;
        this.#resend(taken);
      });
    } catch (error) {
      console.error('yracer: reading pending writes from the offline store failed', error);
      return;
    }
    if (!resent) this.#resend(records);
  }

  /** Sends taken-over pending writes as this client's, merged per document, and keeps their documents loaded. */
  #resend(records: readonly StoredPending[]): void {
    const byDoc = new Map<string, Uint8Array[]>();
    for (const record of records) {
      if (!parseDocName(record.doc)) continue;
      const list = byDoc.get(record.doc);
      if (list) list.push(record.update);
      else byDoc.set(record.doc, [record.update]);
    }
    for (const [doc, updates] of byDoc) {
      if (this.#closed) return;
      this.#host.sendTracked(doc, updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates));
      const ref = parseDocName(doc);
      if (ref && !this.#adopted.has(doc) && this.#host.hasPending(doc)) {
        this.#adopted.add(doc);
        this.#host.keep(ref);
      }
    }
  }

  /** A query's stored result, or null (also when the store fails). */
  async loadQuery(key: string): Promise<StoredQuery | null> {
    try {
      return await this.store.loadQuery(key);
    } catch (error) {
      console.error('yracer: reading a query from the offline store failed', error);
      return null;
    }
  }

  /** Stores a query's result from the server. */
  saveQuery(key: string, result: StoredQuery): void {
    if (!this.#closed) this.store.saveQuery(key, result);
  }

  /** Commits what is queued and closes the store. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopPageHide();
    this.#tabs?.close();
    void this.store.close().catch((error: unknown) => console.error('yracer: closing the offline store failed', error));
  }
}
