// @vitest-environment jsdom
import { act, StrictMode, Suspense, type ReactNode } from 'react';
import { hydrateRoot, type Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { WebSocket } from 'ws';
import type { Model, ModelBundle, WebSocketLike } from '../../src/index.ts';
import { SyncProvider, useDoc, useModel } from '../../src/react/index.ts';
import { Resources } from '../helpers/server-fixtures.ts';
import { client, startServer, waitFor, type TestServer } from '../helpers/sync-fixtures.ts';
import { seedTodos, TodosPage, type Todo } from '../helpers/todos-page.tsx';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}

/**
 * `ws`'s WebSocket for a page under jsdom. jsdom's globals (ArrayBuffer, Uint8Array) belong to another
 * realm than the ArrayBuffers `ws` delivers, and the client drops frames that fail `instanceof
 * ArrayBuffer` (see the test at the end): this copies each frame into this realm's ArrayBuffer.
 */
class JsdomWebSocket implements WebSocketLike {
  readonly #ws: WebSocket;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;

  constructor(url: string) {
    this.#ws = new WebSocket(url);
    this.#ws.binaryType = 'arraybuffer';
    this.#ws.onopen = (event) => this.onopen?.(event);
    this.#ws.onclose = (event) => this.onclose?.({ code: event.code, reason: event.reason });
    this.#ws.onerror = (event) => this.onerror?.(event);
    this.#ws.onmessage = (event) => {
      const bytes = new Uint8Array(event.data as ArrayBuffer);
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      this.onmessage?.({ data: copy.buffer });
    };
  }

  get binaryType(): string {
    return 'arraybuffer';
  }

  set binaryType(_type: string) {}

  get readyState(): number {
    return this.#ws.readyState;
  }

  send(data: Uint8Array): void {
    this.#ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.#ws.close(code, reason);
  }
}

const TODOS: readonly Todo[] = [
  { id: 't1', title: 'Milk', done: false },
  { id: 't2', title: 'Bread', done: true },
  { id: 't3', title: 'Eggs', done: false },
];

const DOCS = ['lists.main', ...TODOS.map((todo) => `todos.${todo.id}`)];

// client-fixtures.ts is not importable here: its module scope calls fileURLToPath, which jsdom's URL fails.
const opened = new Resources();
let consoleError: MockInstance<(...args: unknown[]) => void>;
let container: HTMLElement;
let root: Root | null = null;

beforeEach(() => {
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;
  consoleError = vi.spyOn(console, 'error');
  container = document.createElement('div');
  document.body.append(container);
});

afterEach(async () => {
  if (root) {
    const mounted = root;
    root = null;
    await act(async () => mounted.unmount());
  }
  container.remove();
  consoleError.mockRestore();
  await opened.closeAll();
});

interface ServerRender {
  readonly t: TestServer;
  readonly html: string;
  /** The bundle after a JSON round trip, as a page embeds it. */
  readonly bundle: ModelBundle;
  /** A client model that keeps writing after the render. */
  readonly writer: Model;
}

/** The server side of the flow: seed, subscribe an in-process model, render to a string, bundle. */
async function renderOnServer(): Promise<ServerRender> {
  const t = opened.server(await startServer());
  const writer = opened.model(client(t.url, { WebSocket: JsdomWebSocket }));
  await seedTodos(writer, TODOS);
  await writer.subscribe(DOCS);

  const model = t.server.createModel();
  await model.subscribe(DOCS);
  model.set('_page.heading', 'My todos');
  const html = renderToString(
    <SyncProvider model={model}>
      <TodosPage />
    </SyncProvider>,
  );
  const bundle = JSON.parse(JSON.stringify(await model.bundle())) as ModelBundle;
  model.close();
  return { t, html, bundle, writer };
}

interface Hydrated {
  /** Every line the page recorded while rendering in the browser. */
  readonly renders: string[];
  /** Errors React reported as recoverable (hydration mismatches among them). */
  readonly recoverable: unknown[];
  /** Every text content of the container seen by a MutationObserver. */
  readonly texts: string[];
  model(): Model;
}

/** The browser side: put the HTML in the page and hydrate it with a provider-owned model from the bundle. */
async function hydrate(ssr: ServerRender, wrap: (page: ReactNode) => ReactNode = (page) => page): Promise<Hydrated> {
  container.innerHTML = ssr.html;
  const renders: string[] = [];
  const recoverable: unknown[] = [];
  const texts: string[] = [];
  let model: Model | null = null;
  const observer = new MutationObserver(() => texts.push(container.textContent ?? ''));
  observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true });
  opened.defer(() => observer.disconnect());
  await act(async () => {
    root = hydrateRoot(
      container,
      wrap(
        <SyncProvider url={ssr.t.url} bundle={ssr.bundle} options={{ WebSocket: JsdomWebSocket }}>
          <TodosPage record={(line) => renders.push(line)} onModel={(m) => (model = m)} />
        </SyncProvider>,
      ),
      { onRecoverableError: (error) => recoverable.push(error) },
    );
  });
  return {
    renders,
    recoverable,
    texts,
    model: () => {
      if (!model) throw new Error('the page never rendered');
      return model;
    },
  };
}

/** Waits (inside act, so React applies what arrives) until the check passes. */
const settle = (check: () => boolean, what: string): Promise<void> => act(() => waitFor(check, 3000, what));

/**
 * Waits until the provider's model is online and its subscriptions (the bundle's and the rows') are
 * answered: closing the model while the bundle's subscribe is in flight logs an error (a finding, see
 * test/client/create-model-bundle.test.ts).
 */
async function live(page: Hydrated): Promise<void> {
  await settle(() => page.model().connection.state === 'online', 'the provider to connect');
  await act(async () => {
    await page.model().subscribe(DOCS);
    await page.model().unsubscribe(DOCS);
  });
}

const rowTexts = (): string[] => [...container.querySelectorAll('li')].map((li) => li.textContent ?? '');

describe('server-side render and hydration', () => {
  it('renders the todos on the server with the in-process model', async () => {
    const { html } = await renderOnServer();
    expect(html).toContain('My todos');
    expect(html).toContain('2 left');
    for (const todo of TODOS) expect(html).toContain(todo.title);
    expect(html).not.toContain('Loading');
  });

  it('hydrates without a mismatch and without ever showing a loading state', async () => {
    const ssr = await renderOnServer();
    const page = await hydrate(ssr);
    expect(page.recoverable).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
    expect(page.renders.slice(0, 4)).toEqual(['page:3', 'row:t1:Milk', 'row:t2:Bread', 'row:t3:Eggs']);
    expect(page.renders.filter((line) => line.includes('loading'))).toEqual([]);
    const served = document.createElement('div');
    served.innerHTML = ssr.html;
    expect(container.innerHTML).toBe(served.innerHTML);
    expect(rowTexts()).toEqual(['Milk', 'Bread', 'Eggs']);

    await live(page);
    expect(page.texts.filter((text) => text.includes('Loading'))).toEqual([]);
    expect(container.querySelector('.loading')).toBeNull();
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('updates the hydrated page when another client changes the data', async () => {
    const ssr = await renderOnServer();
    const page = await hydrate(ssr);
    await live(page);
    await settle(() => ssr.t.server.connectionCount === 2, 'the second connection');

    ssr.writer.set('todos.t2.title', 'Rye bread');
    ssr.writer.set('todos.t3.done', true);
    await settle(() => page.model().get('todos.t2.title') === 'Rye bread' && page.model().get('todos.t3.done') === true, 'the remote changes');
    expect(rowTexts()).toEqual(['Milk', 'Rye bread', 'Eggs']);
    // The count is the server's live query: it follows a moment after the documents.
    await settle(() => container.querySelector('.left')?.textContent === '1 left', 'the count');
    expect(container.querySelector('li[data-id="t3"]')?.className).toBe('done');

    ssr.writer.move('lists.main.order', 0, 2);
    await settle(() => page.model().get('lists.main.order.2') === 't1', 'the reorder');
    expect(rowTexts()).toEqual(['Rye bread', 'Eggs', 'Milk']);
    expect(page.texts.filter((text) => text.includes('Loading'))).toEqual([]);
    expect(page.recoverable).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("sends the hydrated page's writes to the server and other clients", async () => {
    const ssr = await renderOnServer();
    const page = await hydrate(ssr);
    await live(page);
    const box = container.querySelector<HTMLInputElement>('li[data-id="t1"] input');
    await act(async () => box?.click());
    expect(container.querySelector('.left')?.textContent).toBe('1 left');
    await settle(() => ssr.writer.get('todos.t1.done') === true, 'the write to reach the other client');
    await act(() => page.model().whenNothingPending());
  });

  it('hydrates under StrictMode just the same', async () => {
    const ssr = await renderOnServer();
    const page = await hydrate(ssr, (tree) => <StrictMode>{tree}</StrictMode>);
    expect(page.recoverable).toEqual([]);
    expect(page.renders.filter((line) => line.includes('loading'))).toEqual([]);
    await live(page);
    ssr.writer.set('todos.t1.title', 'Oat milk');
    await settle(() => page.model().get('todos.t1.title') === 'Oat milk', 'the remote change');
    expect(rowTexts()).toEqual(['Oat milk', 'Bread', 'Eggs']);
    expect(ssr.t.server.connectionCount).toBe(2);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('closes the model it created when the page unmounts', async () => {
    const ssr = await renderOnServer();
    const page = await hydrate(ssr);
    await live(page);
    const mounted = root;
    root = null;
    await act(async () => mounted?.unmount());
    await waitFor(() => ssr.t.server.connectionCount === 1, 3000, 'the provider model to disconnect');
    expect(page.model().connection.state).toBe('offline');
    const other = opened.model(client(ssr.t.url, { WebSocket: JsdomWebSocket }));
    await other.subscribe('todos.t1');
    expect(other.get('todos.t1.title')).toBe('Milk');
  });

  it('renders a { suspense: true } useDoc of loaded data on the server and hydrates it without a warning', async () => {
    const t = opened.server(await startServer());
    const writer = opened.model(client(t.url, { WebSocket: JsdomWebSocket }));
    await seedTodos(writer, TODOS);
    let provided: Model | null = null;
    function Row(): ReactNode {
      const [todo] = useDoc<Todo>('todos', 't1', { suspense: true });
      provided = useModel();
      return <p>{todo?.title}</p>;
    }
    const page = <Suspense fallback={<p>fallback</p>}><Row /></Suspense>;
    const model = t.server.createModel();
    await model.subscribe('todos.t1');
    container.innerHTML = renderToString(<SyncProvider model={model}>{page}</SyncProvider>);
    const bundle = JSON.parse(JSON.stringify(await model.bundle())) as ModelBundle;
    model.close();
    expect(container.textContent).toBe('Milk');
    const recoverable: unknown[] = [];
    await act(async () => {
      root = hydrateRoot(container, <SyncProvider url={t.url} bundle={bundle} options={{ WebSocket: JsdomWebSocket }}>{page}</SyncProvider>, {
        onRecoverableError: (error) => recoverable.push(error),
      });
    });
    expect(container.textContent).toBe('Milk');
    await settle(() => provided?.connection.state === 'online', 'the provider to connect');
    await act(() => (provided as Model | null)?.subscribe('todos.t1'));
    expect(recoverable).toEqual([]);
    expect(consoleError).not.toHaveBeenCalled();
  });
});

describe('ws under jsdom', () => {
  // Bug: src/client/socket-connection.ts keeps a frame only if `data instanceof ArrayBuffer` or
  // `ArrayBuffer.isView(data)`; under jsdom, ws's ArrayBuffers come from Node's realm, so every frame
  // from the server is dropped without a word: the model goes online but never gets a document or an ack.
  it('receives server frames with the ws package\'s own WebSocket', async () => {
    const t = opened.server(await startServer());
    const model = opened.model(client(t.url, { WebSocket: WebSocket as never }));
    await waitFor(() => model.connection.state === 'online', 3000, 'online');
    model.add('todos', { id: 'a', title: 'x' });
    await waitFor(() => !model.hasPending(), 1000, 'the ack');
  });
});
