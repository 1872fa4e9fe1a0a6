// @vitest-environment jsdom
import { act, render, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createModel, type Presence, type PresencePeer } from '../../src/index.ts';
import { PresenceRoom, SyncProvider, useOthers, usePresence } from '../../src/react/index.ts';
import { reactScope, RenderCounts, renderWith } from '../helpers/react-fixtures.tsx';

const opened = reactScope();

const ROOM = 'rooms.r1';

interface User {
  readonly name: string;
  readonly cursor?: { readonly x: number; readonly y: number } | undefined;
}

const names = (presence: Presence): unknown[] => presence.others().map((peer) => peer.state['name']);

describe('usePresence', () => {
  it('shows my state and replaces it with setMe (a value or a function of the current one)', () => {
    const model = opened.model(createModel());
    let set: ((action: User | null | ((current: User | null) => User | null)) => void) | undefined;
    const setters = new Set<unknown>();
    function Me(): ReactNode {
      const [me, setMe] = usePresence<User>(ROOM);
      set = setMe;
      setters.add(setMe);
      return <p>{me ? `${me.name}@${me.cursor?.x ?? '-'}` : 'away'}</p>;
    }
    const view = renderWith(model, <Me />);
    expect(view.container.textContent).toBe('away');
    act(() => set?.({ name: 'ada' }));
    expect(view.container.textContent).toBe('ada@-');
    act(() => set?.((current) => ({ name: current?.name ?? '?', cursor: { x: 3, y: 4 } })));
    expect(view.container.textContent).toBe('ada@3');
    expect(model.at(ROOM).presence.me).toEqual({ name: 'ada', cursor: { x: 3, y: 4 } });
    act(() => set?.(null));
    expect(view.container.textContent).toBe('away');
    expect(setters.size).toBe(1); // setMe keeps its identity
  });

  it('throws an error naming the hook when neither a document nor a PresenceRoom is given', () => {
    const model = opened.model(createModel());
    function Lost(): ReactNode {
      usePresence();
      return null;
    }
    const original = console.error;
    console.error = () => undefined;
    try {
      expect(() => render(<SyncProvider model={model}><Lost /></SyncProvider>)).toThrow(/yracer usePresence\(\): which document\?.*<PresenceRoom doc=/);
    } finally {
      console.error = original;
    }
  });
});

describe('useOthers', () => {
  it('shows the others of the nearest PresenceRoom; its initial state makes me present until it unmounts', async () => {
    const server = await opened.serve();
    const model = opened.connect(server.url);
    const peer = opened.connect(server.url).at(ROOM).presence;
    peer.set({ name: 'bob' });
    function Others(): ReactNode {
      const others = useOthers<User>();
      const [me] = usePresence<User>();
      return <p>{`${me?.name ?? 'away'}: ${others.map((other) => other.state.name).join(',')}`}</p>;
    }
    const view = renderWith(
      model,
      <PresenceRoom doc={ROOM} initial={{ name: 'ada' }}>
        <Others />
      </PresenceRoom>,
    );
    expect(view.container.textContent).toMatch(/^ada: /);
    await waitFor(() => expect(view.container.textContent).toBe('ada: bob'));
    await waitFor(() => expect(names(peer)).toEqual(['ada']));
    act(() => peer.update({ name: 'bobby' }));
    await waitFor(() => expect(view.container.textContent).toBe('ada: bobby'));
    view.unmount();
    await waitFor(() => expect(peer.others()).toEqual([]));
    expect(model.at(ROOM).presence.me).toBeNull();
  });

  it('re-renders a component only when what its selector picks changes', async () => {
    const server = await opened.serve();
    const model = opened.connect(server.url);
    const peer = opened.connect(server.url).at(ROOM).presence as unknown as Presence<User>;
    const counts = new RenderCounts();
    function Names(): ReactNode {
      counts.hit('names');
      const list = useOthers<User, string[]>((others) => others.map((other) => other.state.name));
      return <p data-testid="names">{list.join(',')}</p>;
    }
    function Count(): ReactNode {
      counts.hit('count');
      return <p data-testid="count">{useOthers((others) => others.length)}</p>;
    }
    function Cursors(): ReactNode {
      counts.hit('cursors');
      const cursors = useOthers<User, Array<User['cursor']>>((others) => others.map((other) => other.state.cursor));
      return <p data-testid="cursors">{cursors.map((cursor) => (cursor ? `${cursor.x},${cursor.y}` : '-')).join(' ')}</p>;
    }
    function Everyone(): ReactNode {
      counts.hit('everyone');
      const others: readonly PresencePeer<User>[] = useOthers<User>();
      return <p data-testid="everyone">{others.length}</p>;
    }
    const view = renderWith(
      model,
      <PresenceRoom doc={ROOM}>
        <Names />
        <Count />
        <Cursors />
        <Everyone />
      </PresenceRoom>,
    );
    act(() => peer.set({ name: 'bob', cursor: { x: 0, y: 0 } }));
    await waitFor(() => expect(view.getByTestId('cursors').textContent).toBe('0,0'));
    expect(view.getByTestId('names').textContent).toBe('bob');
    counts.reset();

    for (let x = 1; x <= 5; x++) {
      act(() => peer.update({ cursor: { x, y: x } }));
      await waitFor(() => expect(view.getByTestId('cursors').textContent).toBe(`${x},${x}`));
    }
    expect(counts.of('names')).toBe(0);
    expect(counts.of('count')).toBe(0);
    expect(counts.of('cursors')).toBe(5);
    expect(counts.of('everyone')).toBe(5);

    counts.reset();
    act(() => peer.update({ name: 'robert' }));
    await waitFor(() => expect(view.getByTestId('names').textContent).toBe('robert'));
    expect(counts.of('names')).toBe(1);
    expect(counts.of('count')).toBe(0);
    expect(counts.of('cursors')).toBe(0);
  });

  it('takes an explicit document, and a custom equality', async () => {
    const server = await opened.serve();
    const model = opened.connect(server.url);
    const peer = opened.connect(server.url).at('rooms.r2').presence;
    const counts = new RenderCounts();
    function Initials(): ReactNode {
      counts.hit('initials');
      const first = useOthers(
        (others) => others.map((other) => String(other.state['name'])).join(' '),
        (a, b) => a.slice(0, 1) === b.slice(0, 1),
        'rooms.r2',
      );
      return <p>{first}</p>;
    }
    const view = renderWith(model, <Initials />);
    act(() => peer.set({ name: 'bob' }));
    await waitFor(() => expect(view.container.textContent).toBe('bob'));
    counts.reset();
    act(() => peer.set({ name: 'bert' }));
    await waitFor(() => expect(model.at('rooms.r2').presence.others()[0]?.state['name']).toBe('bert'));
    expect(view.container.textContent).toBe('bob'); // the same first letter: equal by the custom check
    expect(counts.of('initials')).toBe(0);
    act(() => peer.set({ name: 'carl' }));
    await waitFor(() => expect(view.container.textContent).toBe('carl'));
  });
});

describe('presence hooks under <StrictMode>', () => {
  it('join once, follow the others, and leave and release the document on unmount', async () => {
    const server = await opened.serve();
    const model = opened.connect(server.url, { unloadDelayMs: 20 });
    const peer = opened.connect(server.url).at(ROOM).presence;
    peer.set({ name: 'bob' });
    function View(): ReactNode {
      const [me] = usePresence<User>();
      const list = useOthers<User, string[]>((others) => others.map((other) => other.state.name));
      return <p>{`${me?.name ?? 'away'}: ${list.join(',')}`}</p>;
    }
    const listeners = model.store.bus.size;
    const view = renderWith(
      model,
      <PresenceRoom doc={ROOM} initial={{ name: 'ada' }}>
        <View />
      </PresenceRoom>,
      true,
    );
    await waitFor(() => expect(view.container.textContent).toBe('ada: bob'));
    await waitFor(() => expect(names(peer)).toEqual(['ada']));
    act(() => peer.update({ name: 'bobby' }));
    await waitFor(() => expect(view.container.textContent).toBe('ada: bobby'));
    expect(model.store.sync?.holdings().subscribe).toEqual([{ collection: 'rooms', id: 'r1' }]);

    view.unmount();
    expect(model.at(ROOM).presence.me).toBeNull();
    await waitFor(() => expect(peer.others()).toEqual([]));
    // StrictMode's extra mount subscribed and released once more: nothing holds the document now.
    expect(model.store.sync?.holdings().subscribe).toEqual([]);
    expect(model.store.bus.size).toBe(listeners);
  });
});
