// @vitest-environment jsdom
import { act, fireEvent } from '@testing-library/react';
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createModel, type Model } from '../../src/index.ts';
import { SyncProvider, useConflicts } from '../../src/react/index.ts';
import { reactScope, RenderCounts, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();
const PEER = Symbol('peer');

/** Two models holding `todos.a` and `todos.b`; the first has the lower client ids, so it loses concurrent writes. */
function peers(): { me: Model; other: Model } {
  const me = opened.model(createModel());
  const other = opened.model(createModel());
  for (const doc of ['todos.a', 'todos.b']) {
    me.yDoc(doc).clientID = 1;
    other.yDoc(doc).clientID = 2;
    me.set(doc, { title: 'x', done: false });
    receive(me, other, doc);
  }
  return { me, other };
}

/** Applies what `to` lacks of `from`'s document, as a remote update. */
function receive(from: Model, to: Model, doc: string): void {
  Y.applyUpdate(to.yDoc(doc), Y.encodeStateAsUpdate(from.yDoc(doc), Y.encodeStateVector(to.yDoc(doc))), PEER);
}

/** Both peers write `path` concurrently; `me` receives the other's (winning) write. */
function clash(me: Model, other: Model, path: string, mine: unknown, theirs: unknown): void {
  me.set(path, mine);
  other.set(path, theirs);
  act(() => receive(other, me, path.split('.').slice(0, 2).join('.')));
}

function Conflicts({ path, counts }: { path?: string; counts?: RenderCounts }): ReactNode {
  counts?.hit(path ?? '');
  const { conflicts, resolve } = useConflicts(path);
  return (
    <ul>
      {conflicts.map((c) => (
        <li key={c.id}>
          {c.path}: {String(c.mine)} / {String(c.theirs)}
          <button onClick={() => resolve(c.id, 'mine')}>mine {c.path}</button>
          <button onClick={() => resolve(c.id, 'theirs')}>theirs {c.path}</button>
        </li>
      ))}
    </ul>
  );
}

describe('useConflicts', () => {
  it('lists open conflicts under a path and follows new ones', () => {
    const { me, other } = peers();
    const view = renderWith(me, <Conflicts path="todos.a" />);
    expect(view.container.querySelectorAll('li')).toHaveLength(0);
    clash(me, other, 'todos.a.title', 'mine', 'theirs');
    expect(view.container.textContent).toContain('todos.a.title: mine / theirs');
    clash(me, other, 'todos.b.title', 'b mine', 'b theirs');
    expect(view.container.querySelectorAll('li')).toHaveLength(1);
  });

  it("resolves with 'mine' (writing it again) and 'theirs' (keeping the remote value)", () => {
    const { me, other } = peers();
    const view = renderWith(me, <Conflicts />);
    clash(me, other, 'todos.a.title', 'mine', 'theirs');
    clash(me, other, 'todos.b.title', 'b mine', 'b theirs');
    expect(view.container.querySelectorAll('li')).toHaveLength(2);
    act(() => fireEvent.click(view.getByText('mine todos.a.title')));
    expect(me.get('todos.a.title')).toBe('mine');
    act(() => fireEvent.click(view.getByText('theirs todos.b.title')));
    expect(me.get('todos.b.title')).toBe('b theirs');
    expect(view.container.querySelectorAll('li')).toHaveLength(0);
    receive(me, other, 'todos.a');
    expect(other.get('todos.a.title')).toBe('mine');
    expect(other.conflicts()).toEqual([]);
  });

  it('re-renders only when the list under its path changes', () => {
    const { me, other } = peers();
    const counts = new RenderCounts();
    renderWith(
      me,
      <>
        <Conflicts path="todos.a" counts={counts} />
        <Conflicts path="todos.b" counts={counts} />
      </>,
    );
    counts.reset();
    clash(me, other, 'todos.a.title', 'mine', 'theirs');
    expect(counts.rendered()).toEqual({ 'todos.a': 1 });
    counts.reset();
    act(() => void me.set('todos.a.done', true)); // a write elsewhere in the document: the conflict stays
    act(() => void me.set('todos.b.done', true));
    expect(counts.rendered()).toEqual({});
    act(() => void me.set('todos.a.title', 'again')); // writing the path again closes its conflict
    expect(counts.rendered()).toEqual({ 'todos.a': 1 });
  });

  it('renders no conflicts on the server and under StrictMode', () => {
    const { me, other } = peers();
    clash(me, other, 'todos.a.title', 'mine', 'theirs');
    const html = renderToString(
      <SyncProvider model={me}>
        <Conflicts />
      </SyncProvider>,
    );
    expect(html).not.toContain('<li>');
    const view = renderWith(me, <Conflicts />, true);
    expect(view.container.querySelectorAll('li')).toHaveLength(1);
  });

  it('throws a clear error outside a provider', () => {
    const error = console.error;
    console.error = () => undefined;
    try {
      expect(() => renderToString(<Conflicts />)).toThrow(/useConflicts\(\): no model here/);
    } finally {
      console.error = error;
    }
  });
});
