import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model } from '../../../src/index.ts';
import { derivedClientId } from '../../../src/model/mutations/stable-replace.ts';

/** Two models holding the same `todos.a`, and a function exchanging what each lacks. */
function pair(): [Model, Model, () => void] {
  const a = createModel();
  const b = createModel();
  a.set('todos.a', { id: 'a' });
  const sync = (): void => {
    const da = a.yDoc('todos.a');
    const db = b.yDoc('todos.a');
    const ua = Y.encodeStateAsUpdate(da, Y.encodeStateVector(db));
    const ub = Y.encodeStateAsUpdate(db, Y.encodeStateVector(da));
    Y.applyUpdate(db, ua);
    Y.applyUpdate(da, ub);
  };
  sync();
  return [a, b, sync];
}

describe('stableReplace', () => {
  it('derives client ids above every 32-bit Yjs client id and within safe integers', () => {
    for (let i = 0; i < 1000; i++) {
      const id = derivedClientId([['root', 'data'], `k${i}`, null, 'map', 'undefined', null]);
      expect(id).toBeGreaterThanOrEqual(2 ** 32);
      expect(Number.isSafeInteger(id)).toBe(true);
    }
  });

  it('keeps two different implied objects apart when their keys once collided in a 32-bit hash', () => {
    const [a, b, sync] = pair();
    a.set('todos.a.k50727.x', 1);
    b.set('todos.a.k152502.y', 2);
    sync();
    expect(a.get('todos.a')).toEqual({ id: 'a', k50727: { x: 1 }, k152502: { y: 2 } });
    expect(b.get('todos.a')).toEqual(a.get('todos.a'));
  });

  it('encodes the identity without ambiguity, so keys and values containing separators stay distinct', () => {
    const [a, b, sync] = pair();
    // Under a '|'-joined identity, converting key t (holding this string) and converting
    // the missing key below (built from t's item id) produced the same string.
    a.set('todos.a.t', 'foo|-|text|undefined:undefined');
    sync();
    const item = a.yDoc('todos.a').getMap('data')._map.get('t') as Y.Item;
    const other = `t|${item.id.client}:${item.id.clock}:alive|text|string:foo`;
    a.stringInsert('todos.a.t', 0, 'A');
    b.stringInsert(`todos.a.${other}`, 0, 'B');
    sync();
    expect(a.get('todos.a')).toEqual({ id: 'a', t: 'Afoo|-|text|undefined:undefined', [other]: 'B' });
    expect(b.get('todos.a')).toEqual(a.get('todos.a'));
    expect(derivedClientId(['a|b', 'c'])).not.toBe(derivedClientId(['a', 'b|c']));
  });

  it('gives identical items to peers that convert the same value while apart', () => {
    const [a, b, sync] = pair();
    a.set('todos.a.n', 5);
    a.set('todos.a.s', 'abc');
    sync();
    a.increment('todos.a.n');
    b.increment('todos.a.n', 10);
    a.stringInsert('todos.a.s', 0, 'A');
    b.stringInsert('todos.a.s', 3, 'B');
    sync();
    expect(a.get('todos.a')).toEqual({ id: 'a', n: 16, s: 'AabcB' });
    expect(b.get('todos.a')).toEqual(a.get('todos.a'));
  });

  it('survives version 2 encoding and merged updates with derived client ids', () => {
    const [a, b, sync] = pair();
    a.set('todos.a.n', 1);
    sync();
    a.increment('todos.a.n');
    b.increment('todos.a.n');
    const merged = Y.mergeUpdatesV2([Y.encodeStateAsUpdateV2(a.yDoc('todos.a')), Y.encodeStateAsUpdateV2(b.yDoc('todos.a'))]);
    const c = createModel();
    Y.applyUpdateV2(c.yDoc('todos.a'), merged);
    expect(c.get('todos.a.n')).toBe(3);
    const d = createModel();
    Y.applyUpdate(d.yDoc('todos.a'), Y.convertUpdateFormatV2ToV1(merged));
    expect(d.get('todos.a')).toEqual(c.get('todos.a'));
  });
});
