import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PendingWrites, type PendingSpan } from '../../src/client/pending-writes.ts';

/** Lets queued microtasks (callbacks) run. */
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const update = (n: number): Uint8Array => new Uint8Array([n]);

/** Records the outcome of a promise without awaiting it. */
function track(promise: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; error: unknown } {
  const outcome: { state: 'pending' | 'resolved' | 'rejected'; error: unknown } = { state: 'pending', error: undefined };
  promise.then(
    () => (outcome.state = 'resolved'),
    (error: unknown) => {
      outcome.state = 'rejected';
      outcome.error = error;
    },
  );
  return outcome;
}

describe('PendingWrites', () => {
  it('counts the documents with pending updates, and calls onChange each time a document starts or stops having some', () => {
    let changes = 0;
    const pending = new PendingWrites(() => changes++);
    expect(pending.docCount).toBe(0);
    pending.add('todos/a', update(1));
    pending.add('todos/a', update(2));
    expect([pending.docCount, changes]).toEqual([1, 1]);
    const b = pending.add('todos/b', update(3));
    expect([pending.docCount, changes]).toEqual([2, 2]);
    pending.ack(b);
    expect([pending.docCount, changes]).toEqual([1, 3]);
    pending.ack(2);
    expect([pending.docCount, changes]).toEqual([0, 4]);
  });

  it('numbers updates from 1 upwards and tracks documents', () => {
    const pending = new PendingWrites();
    expect(pending.add('todos/a', update(1))).toBe(1);
    expect(pending.add('todos/b', update(2))).toBe(2);
    expect(pending.add('todos/a', update(3))).toBe(3);
    expect(pending.size).toBe(3);
    expect(pending.docs()).toEqual(new Set(['todos/a', 'todos/b']));
    expect(pending.docCount).toBe(2);
    expect(pending.latest('todos/a')).toBe(3);
    expect(pending.latest('todos/b')).toBe(2);
    expect(pending.latest('todos/c')).toBe(0);
    expect(pending.hasDoc('todos/b')).toBe(true);
    expect(pending.hasDoc('todos/c')).toBe(false);
  });

  it('acks earlier updates of the same document with a later ack, and only those', async () => {
    const pending = new PendingWrites();
    const a1 = pending.add('todos/a', update(1));
    const b1 = pending.add('todos/b', update(2));
    const a2 = pending.add('todos/a', update(3));
    const a3 = pending.add('todos/a', update(4));
    const settled: string[] = [];
    for (const [name, seq] of [['a1', a1], ['b1', b1], ['a2', a2], ['a3', a3]] as const) {
      pending.onSettled(seq, (error) => settled.push(error ? `${name}:error` : name));
    }
    pending.ack(a2);
    await tick();
    expect(settled.sort()).toEqual(['a1', 'a2']);
    expect(pending.size).toBe(2);
    expect(pending.hasDoc('todos/b')).toBe(true);
    expect(pending.latest('todos/a')).toBe(a3);
    pending.ack(b1);
    pending.ack(a3);
    await tick();
    expect(settled.sort()).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(pending.size).toBe(0);
  });

  it('ignores an ack of an unknown or already acknowledged number', async () => {
    const pending = new PendingWrites();
    const seq = pending.add('todos/a', update(1));
    pending.ack(99);
    expect(pending.size).toBe(1);
    pending.ack(seq);
    pending.ack(seq);
    expect(pending.size).toBe(0);
  });

  it('calls back at once for a number no longer pending', async () => {
    const pending = new PendingWrites();
    const seq = pending.add('todos/a', update(1));
    pending.ack(seq);
    let called = 0;
    pending.onSettled(seq, (error) => {
      expect(error).toBeUndefined();
      called += 1;
    });
    await tick();
    expect(called).toBe(1);
  });

  it('merges a document’s updates on rebase under a new number that keeps their callbacks', async () => {
    const pending = new PendingWrites();
    const doc = new Y.Doc();
    const seqs: number[] = [];
    doc.on('update', (u: Uint8Array) => seqs.push(pending.add('todos/a', u)));
    doc.getMap('data').set('x', 1);
    doc.getMap('data').set('y', 2);
    const other = pending.add('todos/b', update(9));
    const settled: number[] = [];
    for (const seq of seqs) pending.onSettled(seq, () => settled.push(seq));

    const [rebased, ...more] = pending.rebase('todos/a');
    expect(rebased).toBeDefined();
    expect(more).toEqual([]);
    expect(rebased?.seq).toBeGreaterThan(other);
    expect(pending.size).toBe(2);
    expect(pending.latest('todos/a')).toBe(rebased?.seq);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, rebased?.update as Uint8Array);
    expect(copy.getMap('data').toJSON()).toEqual({ x: 1, y: 2 });

    // The old numbers are gone: acking one of them settles nothing.
    pending.ack(seqs[1] as number);
    await tick();
    expect(settled).toEqual([]);
    pending.ack(rebased?.seq as number);
    await tick();
    expect(settled.sort()).toEqual(seqs);
    expect(pending.size).toBe(1);
    expect(pending.rebase('todos/c')).toEqual([]);
    doc.destroy();
    copy.destroy();
  });

  it('rejects the callback of a refused update and leaves other updates pending', async () => {
    const pending = new PendingWrites();
    const a1 = pending.add('todos/a', update(1));
    const a2 = pending.add('todos/a', update(2));
    const errors: Array<Error | undefined> = [];
    pending.onSettled(a1, (error) => errors.push(error));
    pending.onSettled(a2, (error) => errors.push(error));
    const refusal = new Error('refused');
    pending.fail(a2, refusal);
    await tick();
    expect(errors).toEqual([refusal]);
    expect(pending.size).toBe(1);
    pending.ack(a1);
    await tick();
    expect(errors).toEqual([refusal, undefined]);
  });

  it('resolves whenNothingPending at once when idle, and after the last ack otherwise', async () => {
    const pending = new PendingWrites();
    await expect(pending.whenNothingPending()).resolves.toBeUndefined();
    const a = pending.add('todos/a', update(1));
    const b = pending.add('todos/b', update(2));
    const waiting = track(pending.whenNothingPending());
    pending.ack(a);
    await tick();
    expect(waiting.state).toBe('pending');
    pending.ack(b);
    await tick();
    expect(waiting.state).toBe('resolved');
  });

  it('rejects whenNothingPending with a refusal seen while waiting, once nothing is pending', async () => {
    const pending = new PendingWrites();
    const a = pending.add('todos/a', update(1));
    const b = pending.add('todos/b', update(2));
    const waiting = track(pending.whenNothingPending());
    const refusal = new Error('storage-failed');
    pending.fail(a, refusal);
    await tick();
    expect(waiting.state).toBe('pending');
    pending.ack(b);
    await tick();
    expect(waiting).toEqual({ state: 'rejected', error: refusal });
    // A later wait starts clean.
    await expect(pending.whenNothingPending()).resolves.toBeUndefined();
  });

  it('fails every callback and waiter on abandon', async () => {
    const pending = new PendingWrites();
    const seq = pending.add('todos/a', update(1));
    const errors: Array<Error | undefined> = [];
    pending.onSettled(seq, (error) => errors.push(error));
    const waiting = track(pending.whenNothingPending());
    const closed = new Error('closed');
    pending.abandon(closed);
    await tick();
    expect(errors).toEqual([closed]);
    expect(waiting).toEqual({ state: 'rejected', error: closed });
    expect(pending.size).toBe(0);
  });
});

describe('PendingWrites rebase', () => {
  /** A document and the updates of `n` local writes to it. */
  /** `n` writes to one document, each its own update; with `size`, each a string of that many characters. */
  function writes(n: number, size = 0): { doc: Y.Doc; updates: Uint8Array[] } {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < n; i++) doc.getMap('data').set(`k${i}`, size > 0 ? String(i).repeat(size) : i);
    return { doc, updates };
  }

  const valueOf = (update: Uint8Array): unknown => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    return doc.getMap('data').toJSON();
  };

  it('encodes the resend from the document when every pending update came from it', () => {
    const { doc, updates } = writes(50);
    const pending = new PendingWrites();
    for (const u of updates) pending.add('items/x', u);
    let asked = 0;
    const [rebased] = pending.rebase('items/x', (span) => {
      asked++;
      expect(span.from.get(doc.clientID)).toBe(0);
      expect(span.to.get(doc.clientID)).toBe(50);
      return Y.encodeStateAsUpdate(doc);
    });
    expect(asked).toBe(1);
    expect(valueOf((rebased as { update: Uint8Array }).update)).toEqual(doc.getMap('data').toJSON());
  });

  it('takes the spans given with the updates instead of decoding them (a reconnect reads none of them)', () => {
    const pending = new PendingWrites();
    // Not Yjs updates: decoding them would fail, and the resend would be merged instead.
    pending.add('items/x', new Uint8Array([255, 255]), true, { from: new Map([[7, 0]]), to: new Map([[7, 1]]) });
    pending.add('items/x', new Uint8Array([255, 254]), true, { from: new Map([[7, 1], [9, 4]]), to: new Map([[7, 3], [9, 5]]) });
    const encoded = new Uint8Array([1, 2, 3]);
    let asked: PendingSpan | null = null;
    const [rebased] = pending.rebase('items/x', (span) => ((asked = span), encoded));
    expect(asked).toEqual({ from: new Map([[7, 0], [9, 4]]), to: new Map([[7, 3], [9, 5]]) });
    expect(rebased?.update).toBe(encoded);
  });

  it('reads the span from the updates given none, alongside those given one', () => {
    const { doc, updates } = writes(4);
    const pending = new PendingWrites();
    updates.forEach((u, i) => pending.add('items/x', u, true, i % 2 === 0 ? null : Y.parseUpdateMeta(u)));
    let asked: PendingSpan | null = null;
    pending.rebase('items/x', (span) => ((asked = span), Y.encodeStateAsUpdate(doc)));
    expect(asked).toEqual({ from: new Map([[doc.clientID, 0]]), to: new Map([[doc.clientID, 4]]) });
  });

  it('merges instead when one pending update came from elsewhere', () => {
    const { doc, updates } = writes(3);
    const pending = new PendingWrites();
    pending.add('items/x', updates[0] as Uint8Array);
    pending.add('items/x', updates[1] as Uint8Array, false);
    pending.add('items/x', updates[2] as Uint8Array);
    const [rebased] = pending.rebase('items/x', () => {
      throw new Error('must not encode from the document');
    });
    expect(valueOf((rebased as { update: Uint8Array }).update)).toEqual(doc.getMap('data').toJSON());
  });

  it('merges instead after a refusal (the refused update is still in the document)', () => {
    const { updates } = writes(3);
    const pending = new PendingWrites();
    const seqs = updates.map((u) => pending.add('items/x', u));
    pending.fail(seqs[1] as number, new Error('refused'));
    let asked = false;
    const [rebased] = pending.rebase('items/x', () => ((asked = true), null));
    expect(asked).toBe(false);
    expect((rebased as { update: Uint8Array }).update).toEqual(Y.mergeUpdates([updates[0] as Uint8Array, updates[2] as Uint8Array]));
  });

  it('resends updates that together are larger than maxBytes in parts within it, in order, each with its callbacks', async () => {
    const { doc, updates } = writes(10, 1000);
    const pending = new PendingWrites();
    const seqs = updates.map((u) => pending.add('items/x', u));
    const settled: number[] = [];
    for (const seq of seqs) pending.onSettled(seq, () => settled.push(seq));
    const parts = pending.rebase('items/x', () => Y.encodeStateAsUpdate(doc), 3500);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(part.update.byteLength).toBeLessThanOrEqual(3500);
    expect(parts.map((p) => p.seq)).toEqual([...parts.map((p) => p.seq)].sort((a, b) => a - b));
    const copy = new Y.Doc();
    for (const part of parts) {
      Y.applyUpdate(copy, part.update);
      expect(copy.store.pendingStructs, 'each part applies on the ones before').toBeNull();
    }
    expect(copy.getMap('data').toJSON()).toEqual(doc.getMap('data').toJSON());
    pending.ack((parts[0] as { seq: number }).seq);
    await tick();
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.length).toBeLessThan(10);
    pending.ack((parts.at(-1) as { seq: number }).seq);
    await tick();
    expect(settled.sort((a, b) => a - b)).toEqual(seqs);
  });

  it('keeps a single update larger than maxBytes alone', () => {
    const { updates } = writes(3, 2000);
    const pending = new PendingWrites();
    for (const u of updates) pending.add('items/x', u);
    const parts = pending.rebase('items/x', undefined, 1000);
    expect(parts).toHaveLength(3);
  });
});
