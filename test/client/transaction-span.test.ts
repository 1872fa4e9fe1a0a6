import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AttachedDocs } from '../../src/client/attached-docs.ts';
import type { PendingSpan } from '../../src/client/pending-writes.ts';
import { transactionSpan } from '../../src/client/transaction-span.ts';
import { DocEntry } from '../../src/model/documents/doc-entry.ts';

/** Every update `ydoc` emits, with the span `transactionSpan` gives for it and the one read from the update. */
function spans(ydoc: Y.Doc): Array<{ given: PendingSpan; read: PendingSpan }> {
  const seen: Array<{ given: PendingSpan; read: PendingSpan }> = [];
  ydoc.on('update', (update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
    seen.push({ given: transactionSpan(tr), read: Y.parseUpdateMeta(update) });
  });
  return seen;
}

/** The span as plain arrays (Maps compare by entries, in any order). */
const plain = (span: PendingSpan): { from: Array<[number, number]>; to: Array<[number, number]> } => ({
  from: [...span.from].sort((a, b) => a[0] - b[0]),
  to: [...span.to].sort((a, b) => a[0] - b[0]),
});

describe('transactionSpan', () => {
  it('gives what the update itself says for writes, deletions, texts and arrays', () => {
    const ydoc = new Y.Doc();
    const seen = spans(ydoc);
    const data = ydoc.getMap('data');
    data.set('title', 'a');
    for (let i = 0; i < 5; i++) data.set(`k${i}`, i);
    ydoc.transact(() => {
      data.set('list', new Y.Array());
      data.set('text', new Y.Text('hello'));
    });
    (data.get('list') as Y.Array<number>).push([1, 2, 3]);
    (data.get('text') as Y.Text).insert(5, ' world');
    data.delete('k0');
    (data.get('list') as Y.Array<number>).delete(0, 2);
    expect(seen.length).toBe(11);
    for (const { given, read } of seen) expect(plain(given)).toEqual(plain(read));
    expect(plain(seen[9]?.given as PendingSpan), 'a deletion adds no struct').toEqual({ from: [], to: [] });
  });

  it('leaves out the clients of updates applied before, and covers a new client id', () => {
    const other = new Y.Doc();
    other.getMap('data').set('x', 1);
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(other));
    const seen = spans(ydoc);
    ydoc.getMap('data').set('y', 2);
    ydoc.clientID = 12345;
    ydoc.getMap('data').set('z', 3);
    expect(seen.map(({ given }) => plain(given))).toEqual(seen.map(({ read }) => plain(read)));
    expect([...(seen[1]?.given.from.keys() ?? [])]).toEqual([12345]);
  });

  it('covers what an observer wrote before the update was emitted (Yjs encodes up to the store as it is then)', () => {
    const ydoc = new Y.Doc();
    const data = ydoc.getMap('data');
    data.observe((event) => {
      if (event.keysChanged.has('a')) data.set('b', 'written by an observer');
    });
    const seen = spans(ydoc);
    data.set('a', 1);
    expect(seen.length).toBe(2);
    for (const { given, read } of seen) expect(plain(given)).toEqual(plain(read));
  });
});

describe('AttachedDocs', () => {
  it('hands each local update to onLocal with its span', () => {
    const docs = new AttachedDocs(() => false);
    const entry = new DocEntry('items', 'x');
    const got: Array<{ update: Uint8Array; span: PendingSpan | null }> = [];
    docs.attach(entry, (_name, update, span) => got.push({ update, span }));
    const data = entry.ydoc.getMap('data');
    for (let i = 0; i < 3; i++) data.set(`k${i}`, i);
    expect(got.length).toBe(3);
    for (const { update, span } of got) expect(plain(span as PendingSpan)).toEqual(plain(Y.parseUpdateMeta(update)));
    expect(got.map(({ span }) => span?.from.get(entry.ydoc.clientID))).toEqual([0, 1, 2]);
  });
});
