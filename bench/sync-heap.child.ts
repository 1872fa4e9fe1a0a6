/**
 * The baseline of the heap case of sync.bench.ts, in a process of its own:
 * the heap growth of `count` bare `Y.Doc`s, each holding one small map entry
 * (`data.n = i`, applied from the same update that sync-server.child.ts
 * stores for `todos/d<i>`) and a y-protocols `Awareness` (what a
 * y-websocket relay keeps per loaded document: a `WSSharedDoc` is a `Y.Doc`
 * with an `Awareness`).
 *
 *   node --expose-gc --import tsx bench/sync-heap.child.ts [count]
 *
 * Prints one JSON line (`HeapBaseline`). Heap figures are
 * `process.memoryUsage().heapUsed` after gc, in bytes.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';

/** What the child prints. */
export interface HeapBaseline {
  readonly count: number;
  readonly startHeap: number;
  readonly loadedHeap: number;
  /** After destroying them all and dropping every reference. */
  readonly afterHeap: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function heapUsed(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(20);
  }
  gc();
  return process.memoryUsage().heapUsed;
}

/** The update sync-server.child.ts stores for document i. */
function storedUpdate(i: number): Uint8Array {
  const doc = new Y.Doc();
  doc.getMap('data').set('n', i);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

interface Loaded {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
}

function load(from: number, count: number): Loaded[] {
  const loaded: Loaded[] = [];
  for (let i = from; i < from + count; i++) {
    const doc = new Y.Doc({ gc: true });
    Y.applyUpdate(doc, storedUpdate(i));
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState(null);
    loaded.push({ doc, awareness });
  }
  return loaded;
}

function unload(loaded: Loaded[]): void {
  for (const { doc, awareness } of loaded) {
    awareness.destroy();
    doc.destroy();
  }
  loaded.length = 0;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000);
  // Warm up: the same code paths once, on other documents.
  unload(load(count, 500));
  const startHeap = await heapUsed();
  const loaded = load(0, count);
  const loadedHeap = await heapUsed();
  if (loaded.length !== count) throw new Error('lost documents');
  unload(loaded);
  const afterHeap = await heapUsed();
  const report: HeapBaseline = { count, startHeap, loadedHeap, afterHeap };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main();
