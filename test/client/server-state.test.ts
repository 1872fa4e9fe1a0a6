import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { pendingFromDoc } from '../../src/client/server-state.ts';

/** A document with another client's write and two local ones the server has, then three pending local ones; and the server's copy. */
function pendingWrites(): { ydoc: Y.Doc; server: Y.Doc } {
  const remote = new Y.Doc();
  remote.getMap('data').set('theirs', true);
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(remote));
  for (let i = 0; i < 2; i++) ydoc.getMap('data').set(`k${i}`, i);
  const server = new Y.Doc();
  Y.applyUpdate(server, Y.encodeStateAsUpdate(ydoc));
  for (let i = 2; i < 5; i++) ydoc.getMap('data').set(`k${i}`, i);
  return { ydoc, server };
}

describe('pendingFromDoc', () => {
  it('encodes the local structs from where the pending updates start, and nothing of other clients', () => {
    const { ydoc, server } = pendingWrites();
    const me = ydoc.clientID;
    const update = pendingFromDoc(ydoc, { from: new Map([[me, 2]]), to: new Map([[me, 5]]) }) as Uint8Array;
    const meta = Y.parseUpdateMeta(update);
    expect([...meta.from]).toEqual([[me, 2]]);
    expect([...meta.to]).toEqual([[me, 5]]);
    Y.applyUpdate(server, update);
    expect(server.store.pendingStructs).toBeNull();
    expect(server.getMap('data').toJSON()).toEqual(ydoc.getMap('data').toJSON());
  });

  it('gives null when the document does not hold every pending update', () => {
    const { ydoc } = pendingWrites();
    const me = ydoc.clientID;
    expect(pendingFromDoc(ydoc, { from: new Map([[me, 2]]), to: new Map([[me, 6]]) })).toBeNull();
    expect(pendingFromDoc(ydoc, { from: new Map([[99, 0]]), to: new Map([[99, 1]]) })).toBeNull();
  });
});
