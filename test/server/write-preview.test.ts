import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentValue } from '../../src/model/paths/document-value.ts';
import { WritePreview } from '../../src/server/write-preview.ts';

/** A document of `fields` top-level fields and one nested object, and a client replica of it. */
function replicas(fields: number): { source: Y.Doc; client: Y.Doc } {
  const source = new Y.Doc();
  const data = source.getMap('data');
  source.transact(() => {
    for (let i = 0; i < fields; i++) data.set(`f${i}`, i);
    const nested = new Y.Map<unknown>();
    data.set('nested', nested);
    nested.set('deep', { a: [1, 2, 3] });
  });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(source));
  return { source, client };
}

function change(client: Y.Doc, write: (data: Y.Map<unknown>) => void): Uint8Array {
  const before = Y.encodeStateVector(client);
  write(client.getMap('data'));
  return Y.encodeStateAsUpdate(client, before);
}

describe('WritePreview', () => {
  it('previews each write of a 10,000-field document from one shadow, sharing every unchanged subtree', () => {
    const { source, client } = replicas(10_000);
    const preview = new WritePreview(source);
    let previous: unknown;
    for (let i = 0; i < 200; i++) {
      const update = change(client, (data) => data.set(`f${i}`, -i));
      const { before, after } = preview.preview(update);
      expect((after as Record<string, unknown>)[`f${i}`]).toBe(-i);
      expect((before as Record<string, unknown>)[`f${i}`]).toBe(i);
      // Unchanged subtrees are the same objects (so comparing and checking them is cheap).
      expect((after as { nested: unknown }).nested).toBe((before as { nested: unknown }).nested);
      if (previous !== undefined) expect((before as { nested: unknown }).nested).toBe((previous as { nested: unknown }).nested);
      previous = after;
      Y.applyUpdate(source, update); // the room takes it
    }
    expect(preview.builds).toBe(1);
    preview.destroy();
  });

  it('rebuilds after a refusal, so the refused write is not in later previews', () => {
    const { source, client } = replicas(10);
    const preview = new WritePreview(source);
    const refused = change(client, (data) => data.set('secret', 'refused'));
    expect((preview.preview(refused).after as { secret?: string }).secret).toBe('refused');
    preview.refused();
    // Another client's write, built without the refused one.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(source));
    const next = change(other, (data) => data.set('ok', true));
    const { before, after } = preview.preview(next);
    expect(before).toEqual(documentValue(source));
    expect(after).toEqual({ ...(documentValue(source) as object), ok: true });
    expect(preview.builds).toBe(2);
  });

  it('follows changes made to the room document without a preview', () => {
    const { source, client } = replicas(3);
    const preview = new WritePreview(source);
    preview.preview(change(client, (data) => data.set('a', 1)));
    source.getMap('data').set('server', 'side');
    const { before } = preview.preview(change(client, (data) => data.set('b', 2)));
    expect((before as { server?: string }).server).toBe('side');
    expect(preview.builds).toBe(1);
  });
});
