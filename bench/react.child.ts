/**
 * React in jsdom: how long a remote change to one row of a 1,000-row list
 * takes until React has committed it, and how many rows render for it;
 * yracer's hooks against the approach of react-yjs (`useSyncExternalStore`
 * over `toJSON()` with a deep-equal to keep the previous value's identity).
 *
 * Run as a script (react.bench.ts starts it as a child process, so that the
 * jsdom globals stay out of the other benchmarks and React's build follows
 * the child's NODE_ENV); it prints its measurements as JSON on stdout.
 *
 * Data: 1,000 todos `{ title, done, n }` with ids d0..d999. Every list
 * renders them in the order of one stable ids array (except `yracer, ids
 * from useQueryIds`), every row is a `React.memo` component rendering the
 * same `<li>`, so what differs between contenders is the store binding.
 *
 * - yracer: model A renders (`useDoc('todos', id)` per row, under a
 *   `SyncProvider`), model B writes. The remote change is
 *   `modelB.set('todos.<id>.n', value)`; its Yjs update (from B's document's
 *   'update' event, taken before the clock starts) is applied to A's
 *   document, `Y.applyUpdate(modelA.yDoc('todos.<id>'), update)`: what the
 *   sync client does with a remote update, without a network.
 * - baseline: the layout react-yjs is used with: one Y.Doc per replica
 *   holding a Y.Map `todos` of 1,000 Y.Maps. Replica B writes
 *   `todosB.get(id).set('n', value)`, the update is applied to replica A.
 *   `useY(yType)` below is react-yjs's hook (observeDeep, `toJSON()`,
 *   `equalityDeep` from lib0 against the previous value), with one
 *   difference in its favour: its subscribe function is stable (react-yjs
 *   passes a new one on every render, so React subscribes again each time).
 *   Three ways to bind the list:
 *   - list: `useY(todos)` in the list component, each row gets its todo as a
 *     prop (react-yjs's usual use: bind a type, map its JSON to rows). A
 *     change makes a fresh `toJSON()` of all 1,000 todos, so every memo row
 *     sees a new object: the case of the target.
 *   - rows, doc 'update': every row subscribes to the Y.Doc's 'update' and
 *     recomputes `toJSON()` of its own Y.Map, deep-equal against its
 *     previous value: 1,000 snapshot reads per change, one row renders.
 *   - rows, useY(row map): every row binds `useY(todosA.get(id))`
 *     (observeDeep on its own map): one snapshot read, one row renders; the
 *     best case of react-yjs, for context.
 *
 * Timing: the clock starts just before `Y.applyUpdate` on A and stops when
 * the awaiting code resumes: the store listeners run inside applyUpdate,
 * React schedules the (sync lane) render in a microtask queued there, renders
 * and commits in it, and only then does the `await` continue. No `act()` or
 * `flushSync`: this is how React handles a store change that arrives from a
 * WebSocket message. After every update the changed row's DOM text is checked
 * (untimed), so a measurement that stopped before the commit would throw.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { equalityDeep } from 'lib0/function';
import { createElement as h, memo, useCallback, useRef, useSyncExternalStore, version as reactVersion, type ReactNode } from 'react';
import * as Y from 'yjs';
import { createModel, type Model } from 'yracer';
import { SyncProvider, useDoc, useQueryIds } from 'yracer/react';
import { seededRandom } from './harness.ts';
import { alternate, quantile, type Figures } from './sync-rounds.ts';

/** Rows in the list. */
export const ROWS = 1_000;
/** Timed remote changes per round and contender. */
export const UPDATES = 200;
/** Untimed remote changes per round before the timed ones (after mounting). */
const WARMUP_UPDATES = 20;

/** The contenders, in the order they run within a round. */
export const VARIANTS = ['yracer', 'yracer, ids from useQueryIds', 'baseline: list', "baseline: rows, doc 'update'", 'baseline: rows, useY(row map)'] as const;
export type Variant = (typeof VARIANTS)[number];

/** Figures per round: `p50` and `p95` in ms, `rows` and `lists` rendered per change (median over the round), `maxRows`. */
export type Figure = 'p50' | 'p95' | 'rows' | 'maxRows' | 'lists';

/** What the child prints. */
export interface ReactReport {
  readonly nodeEnv: string;
  readonly react: string;
  readonly rows: number;
  readonly updates: number;
  readonly rounds: number;
  /** Per contender and figure, one value per timed round, in order. */
  readonly figures: Readonly<Record<Variant, Readonly<Record<Figure, readonly number[]>>>>;
}

// ---------------------------------------------------------------------------
// jsdom

interface JsdomModule {
  JSDOM: new (html: string, options?: { pretendToBeVisual?: boolean }) => { readonly window: Window & typeof globalThis };
}

/** Creates the jsdom window and installs the globals react-dom looks for; returns its document. */
function installDom(): Document {
  // jsdom has no type declarations in this project: load it untyped.
  const { JSDOM } = createRequire(import.meta.url)('jsdom') as JsdomModule;
  const { window } = new JSDOM('<!doctype html><div id=root></div>', { pretendToBeVisual: true });
  const globals: Record<string, unknown> = {
    window,
    document: window.document,
    navigator: window.navigator,
    Node: window.Node,
    Element: window.Element,
    HTMLElement: window.HTMLElement,
    HTMLIFrameElement: window.HTMLIFrameElement,
    Event: window.Event,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  return window.document;
}

// ---------------------------------------------------------------------------
// Components

interface Todo {
  readonly title: string;
  readonly done: boolean;
  readonly n: number;
}

const ids: readonly string[] = Array.from({ length: ROWS }, (_, i) => `d${i}`);
const todo = (i: number): Todo => ({ title: `Todo ${i}`, done: i % 3 === 0, n: i });

/** Renders counted across every contender (only one is mounted at a time). */
let rowRenders = 0;
let listRenders = 0;

/** The one row markup every contender renders. */
function rowView(id: string, value: Todo | undefined): ReactNode {
  rowRenders++;
  return h('li', { id: `row-${id}` }, value ? `${value.title} ${value.done ? 'done' : 'open'} ${value.n}` : '…');
}

const YracerRow = memo(function YracerRow({ id }: { readonly id: string }) {
  const [value] = useDoc<Todo>('todos', id);
  return rowView(id, value);
});

function YracerList({ list }: { readonly list: readonly string[] }): ReactNode {
  listRenders++;
  return h(
    'ul',
    null,
    list.map((id) => h(YracerRow, { key: id, id })),
  );
}

function YracerQueryList(): ReactNode {
  const list = useQueryIds('todos');
  return h(YracerList, { list });
}

/** react-yjs's `useY` (packages/react-yjs/src/useY.ts), with a stable subscribe function. */
function useY<T>(yType: Y.AbstractType<unknown>): T {
  const previous = useRef<unknown>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      yType.observeDeep(onChange);
      return () => yType.unobserveDeep(onChange);
    },
    [yType],
  );
  const read = (): T => {
    const data: unknown = yType.toJSON();
    if (equalityDeep(previous.current, data)) return previous.current as T;
    previous.current = data;
    return data as T;
  };
  return useSyncExternalStore(subscribe, read, read);
}

type TodosMap = Y.Map<Y.Map<unknown>>;

const PropRow = memo(function PropRow({ id, value }: { readonly id: string; readonly value: Todo | undefined }) {
  return rowView(id, value);
});

function BaselineList({ todos }: { readonly todos: TodosMap }): ReactNode {
  const data = useY<Readonly<Record<string, Todo>>>(todos as Y.AbstractType<unknown>);
  listRenders++;
  return h(
    'ul',
    null,
    ids.map((id) => h(PropRow, { key: id, id, value: data[id] })),
  );
}

const DocUpdateRow = memo(function DocUpdateRow({ id, doc, map }: { readonly id: string; readonly doc: Y.Doc; readonly map: Y.Map<unknown> }) {
  const previous = useRef<Todo | null>(null);
  const subscribe = useCallback(
    (onChange: () => void) => {
      const listener = (): void => onChange();
      doc.on('update', listener);
      return () => doc.off('update', listener);
    },
    [doc],
  );
  const read = (): Todo => {
    const data = map.toJSON() as Todo;
    if (equalityDeep(previous.current, data)) return previous.current as Todo;
    previous.current = data;
    return data;
  };
  return rowView(id, useSyncExternalStore(subscribe, read, read));
});

const UseYRow = memo(function UseYRow({ id, map }: { readonly id: string; readonly map: Y.Map<unknown> }) {
  return rowView(id, useY<Todo>(map as Y.AbstractType<unknown>));
});

function RowsList({ todos, doc, perRow }: { readonly todos: TodosMap; readonly doc: Y.Doc; readonly perRow: 'update' | 'useY' }): ReactNode {
  listRenders++;
  return h(
    'ul',
    null,
    ids.map((id) => {
      const map = todos.get(id) as Y.Map<unknown>;
      return perRow === 'update' ? h(DocUpdateRow, { key: id, id, doc, map }) : h(UseYRow, { key: id, id, map });
    }),
  );
}

// ---------------------------------------------------------------------------
// Data: a reader (A, rendered) and a writer (B) per side

const REMOTE = Symbol('remote');

interface Side {
  /** What to render. */
  element(variant: Variant): ReactNode;
  /** Writes `n = value` to row `id` on the writer; returns the Yjs update and the reader's document to apply it to. */
  write(id: string, value: number): [update: Uint8Array, target: Y.Doc];
}

function yracerSide(): Side {
  const modelA: Model = createModel();
  const modelB: Model = createModel();
  for (let i = 0; i < ROWS; i++) modelA.add('todos', { id: ids[i], ...todo(i) });
  let captured: Uint8Array | null = null;
  for (const id of ids) {
    const docB = modelB.yDoc(`todos.${id}`);
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(modelA.yDoc(`todos.${id}`)), REMOTE);
    docB.on('update', (update: Uint8Array) => {
      captured = update;
    });
  }
  if (modelB.get<Todo>(`todos.${ids[ROWS - 1]}`)?.n !== ROWS - 1) throw new Error('model B did not get the documents');
  return {
    element: (variant) => h(SyncProvider, { model: modelA }, variant === 'yracer' ? h(YracerList, { list: ids }) : h(YracerQueryList)),
    write(id, value) {
      captured = null;
      modelB.set(`todos.${id}.n`, value);
      if (!captured) throw new Error('model B emitted no update');
      return [captured, modelA.yDoc(`todos.${id}`)];
    },
  };
}

function baselineSide(): Side {
  const docA = new Y.Doc();
  const todosA: TodosMap = docA.getMap('todos');
  docA.transact(() => {
    for (let i = 0; i < ROWS; i++) {
      const map = new Y.Map<unknown>();
      todosA.set(ids[i] as string, map);
      for (const [key, value] of Object.entries(todo(i))) map.set(key, value);
    }
  });
  const docB = new Y.Doc();
  Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA), REMOTE);
  const todosB: TodosMap = docB.getMap('todos');
  let captured: Uint8Array | null = null;
  docB.on('update', (update: Uint8Array) => {
    captured = update;
  });
  return {
    element(variant) {
      if (variant === 'baseline: list') return h(BaselineList, { todos: todosA });
      return h(RowsList, { todos: todosA, doc: docA, perRow: variant === "baseline: rows, doc 'update'" ? 'update' : 'useY' });
    },
    write(id, value) {
      captured = null;
      todosB.get(id)?.set('n', value);
      if (!captured) throw new Error('replica B emitted no update');
      return [captured, docA];
    },
  };
}

// ---------------------------------------------------------------------------
// Measuring

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

async function main(): Promise<void> {
  const document = installDom();
  // react-dom decides whether it can use the DOM when it is first loaded: after installDom().
  const { createRoot } = await import('react-dom/client');
  const { flushSync } = await import('react-dom');

  const sides = { yracer: yracerSide(), baseline: baselineSide() };
  const sideOf = (variant: Variant): Side => (variant.startsWith('yracer') ? sides.yracer : sides.baseline);
  /** A fresh value for every change, so none is a no-op. */
  let counter = ROWS;

  const runRound = async (variant: Variant, round: number): Promise<Figures> => {
    const side = sideOf(variant);
    const container = document.createElement('div');
    document.body.appendChild(container);
    const root = createRoot(container);
    flushSync(() => root.render(side.element(variant)));
    await tick();
    await tick();
    if (container.querySelectorAll('li').length !== ROWS) throw new Error(`${variant}: the list did not render ${ROWS} rows`);
    // Mounting 1,000 rows leaves garbage: collect it now, so the timed changes pay only for their own.
    gc();
    // The same rows for every contender in a round.
    const random = seededRandom(1000 + round);
    const times: number[] = [];
    const rows: number[] = [];
    const lists: number[] = [];
    for (let i = 0; i < WARMUP_UPDATES + UPDATES; i++) {
      const id = ids[Math.floor(random() * ROWS)] as string;
      const value = counter++;
      const [update, target] = side.write(id, value);
      const rowsBefore = rowRenders;
      const listsBefore = listRenders;
      const start = performance.now();
      Y.applyUpdate(target, update, REMOTE);
      await null;
      const ms = performance.now() - start;
      const text = document.getElementById(`row-${id}`)?.textContent ?? '';
      if (!text.endsWith(` ${value}`)) throw new Error(`${variant}: row ${id} shows "${text}" after the change to ${value}: not committed when the clock stopped`);
      if (i < WARMUP_UPDATES) continue;
      times.push(ms);
      rows.push(rowRenders - rowsBefore);
      lists.push(listRenders - listsBefore);
    }
    flushSync(() => root.unmount());
    container.remove();
    await tick();
    return {
      p50: quantile(times, 0.5),
      p95: quantile(times, 0.95),
      rows: quantile(rows, 0.5),
      maxRows: Math.max(...rows),
      lists: quantile(lists, 0.5),
    };
  };

  const runs = Object.fromEntries(VARIANTS.map((variant) => [variant, (round: number) => runRound(variant, round)]));
  const result = await alternate({ name: `React in jsdom, remote change to commit, ${ROWS} rows`, runs, budgetMs: 400_000 });
  const figureNames: readonly Figure[] = ['p50', 'p95', 'rows', 'maxRows', 'lists'];
  const figures = Object.fromEntries(
    VARIANTS.map((variant) => [variant, Object.fromEntries(figureNames.map((figure) => [figure, result.values(variant, figure)]))]),
  ) as unknown as ReactReport['figures'];
  const report: ReactReport = {
    nodeEnv: process.env['NODE_ENV'] ?? '',
    react: reactVersion,
    rows: ROWS,
    updates: UPDATES,
    rounds: result.rounds,
    figures,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
