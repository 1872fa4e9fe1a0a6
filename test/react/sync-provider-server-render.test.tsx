import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createModel } from '../../src/index.ts';
import { SyncProvider, useValue } from '../../src/react/index.ts';

function Title() {
  return <b>{useValue<string>('todos.a.title') ?? 'loading'}</b>;
}

describe('SyncProvider server render', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('renders a url + bundle provider on a Node without a global WebSocket (Next.js client components on Node 20)', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const source = createModel();
    source.add('todos', { id: 'a', title: 'Milk' });
    const bundle = await source.bundle();
    source.close();
    const html = renderToString(
      <SyncProvider url="ws://127.0.0.1:1/" bundle={bundle}>
        <Title />
      </SyncProvider>,
    );
    expect(html).toBe('<b>Milk</b>');
  });
});
