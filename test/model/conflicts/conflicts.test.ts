import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Conflict, type Model } from '../../../src/index.ts';
import { MAX_OPEN_CONFLICTS } from '../../../src/model/conflicts/conflict-tracker.ts';
import { PeerNetwork } from '../../helpers/peer-network.ts';
import { Random } from '../../helpers/random.ts';

const DOC = 'todos.a';
const PEER = Symbol('peer');

/** A model with fixed client ids per document (Yjs lets the higher one win a concurrent write). */
function peer(client: number, docs: readonly string[] = [DOC]): Model {
  const model = createModel();
  for (const doc of docs) model.yDoc(doc).clientID = client;
  return model;
}

/** Sends `from` everything `to` lacks of a document, as a remote update. */
function send(from: Model, to: Model, doc = DOC): void {
  const update = Y.encodeStateAsUpdate(from.yDoc(doc), Y.encodeStateVector(to.yDoc(doc)));
  Y.applyUpdate(to.yDoc(doc), update, PEER);
}

function exchange(x: Model, y: Model, doc = DOC): void {
  send(x, y, doc);
  send(y, x, doc);
}

/** `loser` (client 1) and `winner` (client 2) holding the same `todos.a`. */
function pair(initial: Record<string, unknown>): { loser: Model; winner: Model } {
  const loser = peer(1);
  const winner = peer(2);
  loser.set(DOC, initial);
  exchange(loser, winner);
  return { loser, winner };
}

/** Every conflict the model's listener hears from now on. */
function heard(model: Model, pattern = '**'): Conflict[] {
  const out: Conflict[] = [];
  model.on('conflict', pattern, (conflict) => out.push(conflict));
  return out;
}

const open = (model: Model): Array<Pick<Conflict, 'path' | 'mine' | 'theirs'>> =>
  model.conflicts().map(({ path, mine, theirs }) => ({ path, mine, theirs }));

describe('conflicts', () => {
  it('reports a remote write that replaced a concurrent local one, on the losing side only', () => {
    const { loser, winner } = pair({ title: 'x' });
    const lost = heard(loser, 'todos.*.title');
    const won = heard(winner);
    loser.set('todos.a.title', 'mine');
    winner.set('todos.a.title', 'theirs');
    exchange(loser, winner);
    expect(loser.get('todos.a.title')).toBe('theirs');
    expect(winner.get('todos.a.title')).toBe('theirs');
    expect(open(loser)).toEqual([{ path: 'todos.a.title', mine: 'mine', theirs: 'theirs' }]);
    expect(lost).toEqual(loser.conflicts());
    expect(lost[0]?.id).toEqual(expect.any(String));
    expect(lost[0]?.at).toEqual(expect.any(Number));
    expect(winner.conflicts()).toEqual([]);
    expect(won).toEqual([]);
  });

  it('does not report a remote write whose writer had seen the local value', () => {
    const { loser, winner } = pair({ title: 'x' });
    loser.set('todos.a.title', 'first');
    exchange(loser, winner);
    winner.set('todos.a.title', 'second');
    exchange(loser, winner);
    loser.set('todos.a.title', 'third');
    exchange(loser, winner);
    expect(winner.get('todos.a.title')).toBe('third');
    expect(loser.conflicts()).toEqual([]);
    expect(winner.conflicts()).toEqual([]);
  });

  it('does not report a concurrent overwrite between two other peers', () => {
    const a = peer(1);
    const b = peer(2);
    const c = peer(3);
    a.set(DOC, { title: 'x', meta: { k: 1 } });
    exchange(a, b);
    exchange(a, c);
    b.set('todos.a.title', 'from b');
    b.set('todos.a.meta.k', 2);
    send(b, a);
    c.set('todos.a.title', 'from c');
    c.set('todos.a.meta', { k: 3 });
    send(c, a);
    expect(a.get('todos.a')).toEqual({ title: 'from c', meta: { k: 3 } });
    expect(a.conflicts()).toEqual([]);
    send(c, b);
    expect(b.conflicts()).toHaveLength(1); // only b's own title: c had seen the object b wrote inside
  });

  it('reports keys inside nested objects and inside objects in arrays at their full path', () => {
    const { loser, winner } = pair({ meta: { x: 1 }, items: [{ k: 1 }, { k: 2 }] });
    const lost = heard(loser, 'todos.a.items.*.k');
    loser.set('todos.a.meta.x', 10);
    loser.set('todos.a.items.1.k', 20);
    winner.set('todos.a.meta.x', 11);
    winner.set('todos.a.items.1.k', 21);
    exchange(loser, winner);
    expect(open(loser)).toEqual(
      expect.arrayContaining([
        { path: 'todos.a.meta.x', mine: 10, theirs: 11 },
        { path: 'todos.a.items.1.k', mine: 20, theirs: 21 },
      ]),
    );
    expect(loser.conflicts()).toHaveLength(2);
    expect(lost.map((c) => c.path)).toEqual(['todos.a.items.1.k']);
  });

  it('gives objects and texts as their JSON values', () => {
    const { loser, winner } = pair({ meta: { x: 1 }, title: 'ab' });
    loser.set('todos.a.meta', { mine: [1, { deep: true }] });
    winner.set('todos.a.meta', { theirs: 2 });
    // A string edit converts the plain string into a Y.Text (under a derived client id, which wins).
    loser.set('todos.a.title', 'plain');
    winner.stringInsert('todos.a.title', 2, 'c');
    exchange(loser, winner);
    expect(open(loser)).toEqual(
      expect.arrayContaining([
        { path: 'todos.a.meta', mine: { mine: [1, { deep: true }] }, theirs: { theirs: 2 } },
        { path: 'todos.a.title', mine: 'plain', theirs: 'abc' },
      ]),
    );
    expect(loser.conflicts()).toHaveLength(2);
    expect(winner.conflicts()).toEqual([]);
  });

  it('reports a replaced object that this client had written inside, at the replaced path', () => {
    const a = peer(1);
    const b = peer(2);
    const c = peer(3);
    a.set(DOC, { title: 'x' });
    exchange(a, b);
    exchange(a, c);
    b.set('todos.a.meta', { x: 1 });
    exchange(a, b); // c is apart: it never sees b's object
    a.set('todos.a.meta.y', 2);
    c.set('todos.a.meta', { z: 3 });
    send(c, a);
    expect(a.get('todos.a.meta')).toEqual({ z: 3 });
    expect(open(a)).toEqual([{ path: 'todos.a.meta', mine: { x: 1, y: 2 }, theirs: { z: 3 } }]);
    // b wrote the replaced object itself (it never saw a's key inside): it hears about it too.
    send(c, b);
    expect(open(b)).toEqual([{ path: 'todos.a.meta', mine: { x: 1 }, theirs: { z: 3 } }]);
  });

  it('treats an update of any origin other than the model\'s own as remote', () => {
    const { loser, winner } = pair({ n: 1 });
    loser.set('todos.a.n', 2);
    winner.set('todos.a.n', 3);
    Y.applyUpdate(loser.yDoc(DOC), Y.encodeStateAsUpdate(winner.yDoc(DOC))); // no origin at all
    expect(open(loser)).toEqual([{ path: 'todos.a.n', mine: 2, theirs: 3 }]);
  });

  it('does not report concurrent writes of the same value', () => {
    const { loser, winner } = pair({ done: false });
    loser.set('todos.a.done', true);
    winner.set('todos.a.done', true);
    exchange(loser, winner);
    expect(loser.conflicts()).toEqual([]);
  });

  describe('merges that are not conflicts', () => {
    const quiet = (loser: Model, winner: Model): void => {
      expect(loser.conflicts()).toEqual([]);
      expect(winner.conflicts()).toEqual([]);
    };

    it('does not report concurrent increments, even of a plain number both convert', () => {
      const { loser, winner } = pair({ n: 3, c: 0 });
      const lost = heard(loser);
      loser.increment('todos.a.n', 1);
      winner.increment('todos.a.n', 1);
      exchange(loser, winner);
      loser.increment('todos.a.n', 5);
      winner.increment('todos.a.n', 5);
      exchange(loser, winner);
      expect(loser.get('todos.a.n')).toBe(15);
      expect(winner.get('todos.a.n')).toBe(15);
      quiet(loser, winner);
      expect(lost).toEqual([]);
    });

    it('does not report concurrent array inserts and removals', () => {
      const { loser, winner } = pair({ list: [1, 2, 3] });
      loser.push('todos.a.list', 'l');
      loser.remove('todos.a.list', 0);
      winner.push('todos.a.list', 'w');
      winner.insert('todos.a.list', 0, 'w0');
      exchange(loser, winner);
      expect(loser.get<unknown[]>('todos.a.list')).toHaveLength(5);
      quiet(loser, winner);
    });

    it('does not report concurrent text edits of a plain string both convert', () => {
      const { loser, winner } = pair({ title: 'ab' });
      loser.stringInsert('todos.a.title', 0, 'L');
      winner.stringInsert('todos.a.title', 2, 'W');
      exchange(loser, winner);
      expect(loser.get('todos.a.title')).toBe('LabW');
      loser.stringRemove('todos.a.title', 0, 1);
      winner.stringInsert('todos.a.title', 1, '-');
      exchange(loser, winner);
      expect(winner.get('todos.a.title')).toBe('-abW');
      quiet(loser, winner);
    });

    it('does not report writes below the same missing object, nor writes to different keys', () => {
      const { loser, winner } = pair({ title: 'x' });
      loser.set('todos.a.meta.deep.l', 1);
      winner.set('todos.a.meta.deep.w', 2);
      loser.set('todos.a.title', 'L');
      winner.set('todos.a.done', true);
      exchange(loser, winner);
      expect(loser.get('todos.a')).toEqual({ title: 'L', done: true, meta: { deep: { l: 1, w: 2 } } });
      quiet(loser, winner);
    });
  });

  it('finds the conflict of two peers that edited the same field while apart', () => {
    const docs = ['todos.d'];
    const peers = [createModel(), createModel()];
    const network = new PeerNetwork(peers, docs, new Random(7), { maxDelay: 2, dropRate: 0 });
    const [p0, p1] = peers as [Model, Model];
    p0.set('todos.d', { title: 'start', n: 0 });
    network.heal();
    network.disconnect(1);
    p0.set('todos.d.title', 'from p0');
    p1.set('todos.d.title', 'from p1');
    p0.increment('todos.d.n');
    p1.increment('todos.d.n');
    network.reconnect(1);
    network.heal();
    const final = p0.get('todos.d.title');
    expect(p1.get('todos.d.title')).toBe(final);
    expect(p0.get('todos.d.n')).toBe(2);
    const all = [...p0.conflicts(), ...p1.conflicts()];
    expect(all).toHaveLength(1);
    const loser = final === 'from p0' ? p1 : p0;
    expect(open(loser)).toEqual([{ path: 'todos.d.title', mine: final === 'from p0' ? 'from p1' : 'from p0', theirs: final }]);
  });

  describe('resolving', () => {
    function conflicted(): { loser: Model; winner: Model; conflict: Conflict } {
      const { loser, winner } = pair({ title: 'x' });
      loser.set('todos.a.title', 'mine');
      winner.set('todos.a.title', 'theirs');
      exchange(loser, winner);
      const [conflict] = loser.conflicts();
      if (!conflict) throw new Error('expected a conflict');
      return { loser, winner, conflict };
    }

    it("writes mine again with 'mine', which syncs without a new conflict", () => {
      const { loser, winner, conflict } = conflicted();
      expect(loser.resolveConflict(conflict.id, 'mine')).toBe(true);
      expect(loser.get('todos.a.title')).toBe('mine');
      expect(loser.conflicts()).toEqual([]);
      exchange(loser, winner);
      expect(winner.get('todos.a.title')).toBe('mine');
      expect(winner.conflicts()).toEqual([]);
    });

    it("keeps theirs with 'theirs', and then knows the conflict no more", () => {
      const { loser, conflict } = conflicted();
      expect(loser.resolveConflict(conflict.id, 'theirs')).toBe(true);
      expect(loser.get('todos.a.title')).toBe('theirs');
      expect(loser.conflicts()).toEqual([]);
      expect(loser.resolveConflict(conflict.id, 'mine')).toBe(false);
      expect(loser.get('todos.a.title')).toBe('theirs');
    });

    it('rejects an unknown choice', () => {
      const { loser, conflict } = conflicted();
      expect(() => loser.resolveConflict(conflict.id, 'both' as 'mine')).toThrow(TypeError);
      expect(loser.conflicts()).toHaveLength(1);
    });

    it('drops a conflict when its path, a path above or one below is written again locally', () => {
      for (const write of [
        (m: Model) => m.set('todos.a.title', 'again'),
        (m: Model) => m.set('todos.a', { other: 1 }),
        (m: Model) => m.stringInsert('todos.a.title', 0, '>'),
      ]) {
        const { loser } = conflicted();
        write(loser);
        expect(loser.conflicts()).toEqual([]);
      }
      const { loser } = conflicted();
      loser.set('todos.a.done', true);
      expect(loser.conflicts()).toHaveLength(1);
    });

    it('drops the conflicts of a document that leaves the model', () => {
      const { loser } = conflicted();
      const changes: number[] = [];
      loser.watchConflicts(() => changes.push(loser.conflicts().length));
      loser.store.unload('todos', 'a');
      expect(loser.conflicts()).toEqual([]);
      expect(changes).toEqual([0]);
    });
  });

  describe('the list', () => {
    it('returns the same array while the list under a path does not change', () => {
      const { loser, winner } = pair({ title: 'x', n: 1 });
      loser.set('todos.a.title', 'mine');
      winner.set('todos.a.title', 'theirs');
      exchange(loser, winner);
      const all = loser.conflicts();
      const title = loser.at('todos.a').conflicts('title');
      expect(loser.conflicts()).toBe(all);
      expect(title).toHaveLength(1);
      loser.set('todos.a.n', 2);
      winner.set('todos.a.n', 3);
      exchange(loser, winner);
      expect(loser.conflicts()).not.toBe(all);
      expect(loser.conflicts()).toHaveLength(2);
      expect(loser.conflicts('todos.a.title')).toBe(title);
      expect(loser.conflicts('todos.b')).toEqual([]);
    });

    it('tells watchers once per transaction that changed it, until stopped', () => {
      const { loser, winner } = pair({ a: 1, b: 1 });
      let calls = 0;
      const stop = loser.watchConflicts(() => calls++);
      loser.setEach('todos.a', { a: 2, b: 2 });
      winner.setEach('todos.a', { a: 3, b: 3 });
      send(winner, loser);
      expect(loser.conflicts()).toHaveLength(2);
      expect(calls).toBe(1);
      stop();
      loser.set('todos.a.a', 4);
      expect(loser.conflicts()).toHaveLength(1);
      expect(calls).toBe(1);
    });

    it('opens a new conflict when a new local write at the path is overwritten again', () => {
      const { loser, winner } = pair({ title: 'x' });
      loser.set('todos.a.title', 'm1');
      winner.set('todos.a.title', 't1');
      exchange(loser, winner);
      const first = loser.conflicts()[0];
      const third = peer(3);
      send(winner, third);
      loser.set('todos.a.title', 'm2');
      third.set('todos.a.title', 't2');
      send(third, loser);
      expect(open(loser)).toEqual([{ path: 'todos.a.title', mine: 'm2', theirs: 't2' }]);
      expect(loser.conflicts()[0]?.id).not.toBe(first?.id);
    });

    it(`keeps at most ${MAX_OPEN_CONFLICTS} open conflicts, dropping the oldest`, () => {
      const keys = Array.from({ length: MAX_OPEN_CONFLICTS + 5 }, (_, i) => `k${i}`);
      const { loser, winner } = pair(Object.fromEntries(keys.map((k) => [k, 0])));
      const lost = heard(loser);
      loser.setEach('todos.a', Object.fromEntries(keys.map((k) => [k, 1])));
      winner.setEach('todos.a', Object.fromEntries(keys.map((k) => [k, 2])));
      send(winner, loser);
      expect(lost).toHaveLength(keys.length);
      expect(loser.conflicts()).toHaveLength(MAX_OPEN_CONFLICTS);
      expect(loser.conflicts()[0]).toBe(lost[5]);
    });

    it('stops a conflict listener with removeListener', () => {
      const { loser, winner } = pair({ title: 'x' });
      const lost: Conflict[] = [];
      const listener = loser.on('conflict', (conflict) => void lost.push(conflict));
      expect(loser.removeListener(listener)).toBe(true);
      loser.set('todos.a.title', 'mine');
      winner.set('todos.a.title', 'theirs');
      exchange(loser, winner);
      expect(lost).toEqual([]);
      expect(loser.conflicts()).toHaveLength(1);
    });

    it("does not deliver conflicts to 'all' listeners", () => {
      const { loser, winner } = pair({ title: 'x' });
      const types: string[] = [];
      loser.on('all', (event) => void types.push(event.type));
      loser.set('todos.a.title', 'mine');
      winner.set('todos.a.title', 'theirs');
      send(winner, loser);
      expect(types).toEqual(['change', 'change']);
    });
  });
});
