import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentValue } from '../../src/model/paths/document-value.ts';
import { applyReverted } from '../../src/server/apply-reverted.ts';
import { updateProblem } from '../../src/server/update-check.ts';

const SECRET = 'SECRET-refused-content';

/** A server document and a client replica of it: {owner, title, list: [1, 2, 3], meta: {a: 1}}. */
function replicas(): { server: Y.Doc; client: Y.Doc } {
  const seed = new Y.Doc();
  const data = seed.getMap('data');
  data.set('owner', 'alice');
  data.set('title', 't');
  const list = new Y.Array<number>();
  data.set('list', list);
  list.push([1, 2, 3]);
  const meta = new Y.Map<number>();
  data.set('meta', meta);
  meta.set('a', 1);
  const server = new Y.Doc();
  const client = new Y.Doc();
  Y.applyUpdate(server, Y.encodeStateAsUpdate(seed));
  Y.applyUpdate(client, Y.encodeStateAsUpdate(seed));
  return { server, client };
}

/** What `write` changes in the client, as one update. */
function change(client: Y.Doc, write: (data: Y.Map<unknown>) => void): Uint8Array {
  const before = Y.encodeStateVector(client);
  client.transact(() => write(client.getMap('data')));
  return Y.encodeStateAsUpdate(client, before);
}

const holds = (bytes: Uint8Array, text: string): boolean => Buffer.from(bytes).toString('latin1').includes(text);

describe('applyReverted', () => {
  it.each([
    ['overwrites, deletes in an array, a removed map and a new field', (data: Y.Map<unknown>) => {
      data.set('owner', SECRET);
      const list = data.get('list') as Y.Array<unknown>;
      list.delete(0, 2);
      list.push([SECRET]);
      data.delete('meta');
      data.set('extra', { deep: SECRET });
    }],
    ['a text edit', (data: Y.Map<unknown>) => {
      const text = new Y.Text(SECRET);
      data.set('text', text);
      text.insert(3, SECRET);
    }],
    ['a BigInt deep inside', (data: Y.Map<unknown>) => data.set('x', { a: { b: [SECRET, 7n] } })],
    ['another root type', (data: Y.Map<unknown>) => (data.doc as Y.Doc).getMap('hidden').set('x', SECRET.repeat(100))],
  ])('keeps the value and nothing of the update: %s', (_name, write) => {
    const { server, client } = replicas();
    const value = documentValue(server);
    const net = applyReverted(server, change(client, write));
    expect(documentValue(server)).toEqual(value);
    expect(holds(net, SECRET), 'in the update peers get').toBe(false);
    expect(holds(Y.encodeStateAsUpdate(server), SECRET), 'in the stored state').toBe(false);
    // The writer gets the server's value back and its next writes apply.
    Y.applyUpdate(client, net);
    expect(documentValue(client)).toEqual(value);
    const next = change(client, (data) => data.set('done', true));
    expect(updateProblem(server, next)).toBeNull();
    Y.applyUpdate(server, next);
    expect(documentValue(server)).toEqual({ ...(value as object), done: true });
  });

  it('changes nothing for an update the document already has', () => {
    const { server, client } = replicas();
    const net = applyReverted(server, Y.encodeStateAsUpdate(client));
    expect(Y.decodeUpdate(net).structs).toEqual([]);
  });
});
