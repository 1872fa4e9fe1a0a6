/**
 * Case 2 of query.bench.ts: live queries under a steady write load.
 *
 * One yracer server in a child process (query-server.child.ts) on SQLite in
 * the benchmark's temp dir holds TODOS todos in LISTS lists (query-data.ts).
 * In this process:
 *
 * - READERS client models (one connection each) subscribe, between them,
 *   one live query per list, `{ listId: 'L<k>', done: false, $sort: { createdAt: 1 } }`
 *   (list k on reader k mod READERS), each with a `change` listener;
 * - a doc-subscriber model subscribes to every todo as documents (the
 *   baseline: plain document updates, `model.on('change', 'todos.*.*')`);
 * - a writer model, subscribed to every todo too, writes at RATE writes/s
 *   (a bounded loop, paced by the clock): a random todo toggles `done`
 *   (half of the writes), gets a new `title` or a new `createdAt` (a quarter
 *   each). A todo with a write still on its way is not picked again.
 *
 * Per write, the delay from just before `writer.set(...)` to
 * - the doc-subscriber's `change` event with the written value (every write);
 * - the `change` event of the list's query at which the reader's result
 *   shows the write (only writes that change a result: every `done` toggle,
 *   which inserts or removes the todo, and `title`/`createdAt` of todos that
 *   are not done, whose documents are in the result; `createdAt` may move
 *   them). Removals and changes of result documents reach the reader as
 *   document updates (the result's documents are subscribed with it) and
 *   are applied by its incremental evaluation; insertions need the server
 *   to run the query again (`queryDelayMs` batching, the changed document's
 *   JSON stored, the query re-run in SQLite, the diff and the document sent).
 *
 * A warm-up phase of WARMUP_WRITES writes comes first (not measured), then
 * the measured phase of WRITES writes. The server's CPU time
 * (`process.cpuUsage()` in the child) is read before and after it (until
 * every event arrived) and divided by its writes: that covers storing each
 * write, sending it to the doc-subscriber and to the reader holding the
 * document, and the live queries' work. For comparison, the readers then
 * close (and with them every live query), and WRITES more writes go to the
 * writer and the doc-subscriber alone, measured the same way.
 *
 * QUERY_BENCH_DEBUG=1 in the environment prints the case's progress.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createModel, type Model, type Query } from 'yracer';
import { BenchChild, runScriptForResult, sleep, within } from './bench-child.ts';
import { seededRandom } from './harness.ts';
import { todo, type Todo } from './query-data.ts';
import type { ServerFigures, Started } from './query-server.child.ts';

export const TODOS = 2_000;
export const LISTS = 100;
export const READERS = 10;
export const RATE = 500;
export const WRITES = 5_000;
export const WARMUP_WRITES = 500;

const serverScript = fileURLToPath(new URL('./query-server.child.ts', import.meta.url));



/** query-server.child.ts, started and spoken to over stdin/stdout. */
class QueryServer {
  readonly port: number;
  readonly #child: BenchChild;

  private constructor(child: BenchChild) {
    this.#child = child;
    this.port = (child.started as Started).port;
  }

  static async start(args: readonly string[]): Promise<QueryServer> {
    return new QueryServer(await BenchChild.start('the query server', serverScript, args, ['--expose-gc']));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  command(command: 'cpu'): Promise<ServerFigures> {
    return this.#child.command<ServerFigures>(command);
  }

  close(): Promise<void> {
    return this.#child.close();
  }
}

type Field = 'done' | 'title' | 'createdAt';

/** Warm-up (not measured), the measured phase with live queries, and the phase after the readers closed. */
type Phase = 'warmup' | 'queries' | 'plain';

/** One write on its way. */
interface Write {
  readonly id: string;
  readonly listId: string;
  readonly field: Field;
  readonly value: boolean | string | number;
  readonly t0: number;
  /** Whether the write changes a query's result (so the reader's query must show it). */
  readonly affectsQuery: boolean;
  /** What the write does to the result: `insert`, `remove` or `change` (a result document changed, maybe moved). */
  readonly effect: 'insert' | 'remove' | 'change' | 'none';
  docSeen: boolean;
  querySeen: boolean;
  /** The phase the write belongs to. */
  readonly phase: Phase;
}

/** What the live case measured. */
export interface LiveFigures {
  /** Measured writes, and the rate they were issued at (writes/s). */
  readonly writes: number;
  readonly rate: number;
  /** Write → query event, per affected query, in ms. */
  readonly query: readonly number[];
  /** The same for insertions only (they need the server to run the query again). */
  readonly inserts: readonly number[];
  /** Write → doc-subscriber's change event, in ms. */
  readonly doc: readonly number[];
  /** How long the measured phase took (writes, then every event arriving), in ms, and this process's CPU time meanwhile, in µs. */
  readonly phaseMs: number;
  readonly clientCpuUs: number;
  /** Event-loop delay over the measured phase (how late a 1 ms timer fired), p99 and max in ms: the server's and this process's. */
  readonly serverLoopDelayMs: { readonly p99: number; readonly max: number };
  readonly clientLoopDelayMs: { readonly p99: number; readonly max: number };
  /** Server CPU time over the measured phase, in µs. */
  readonly serverCpuUs: number;
  /** Writes whose query (or document) event did not arrive within the wait. */
  readonly missingQuery: number;
  readonly missingDoc: number;
  /** After the readers closed: the rate reached, write → doc-subscriber's event (ms), the server's CPU time (µs). */
  readonly plainRate: number;
  readonly plainDoc: readonly number[];
  readonly plainServerCpuUs: number;
  /** Seconds the whole case took. */
  readonly seconds: number;
}

const progress = (text: string): void => {
  if (process.env['QUERY_BENCH_DEBUG']) process.stderr.write(`  live queries: ${text}\n`);
};

const paths = (ids: readonly string[]): string[] => ids.map((id) => `todos.${id}`);

async function subscribeAll(model: Model, ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) {
    await within(model.subscribe(...paths(ids.slice(start, start + 500))), 30_000, 'subscribing to the todos');
  }
}

const liveScript = fileURLToPath(new URL('./query-live.child.ts', import.meta.url));

/** Runs `liveQueries(file)` in a child process (query-live.child.ts) and returns its figures. */
export async function liveQueriesInChild(file: string): Promise<LiveFigures> {
  return runScriptForResult<LiveFigures>(liveScript, [file], { what: 'the live-query clients', timeoutMs: 120_000, killSignal: 'SIGKILL' });
}

/** Runs the live case on a server storing its database in `file`. */
export async function liveQueries(file: string, options: { readonly index?: string } = {}): Promise<LiveFigures> {
  const started = performance.now();
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const server = await QueryServer.start([file, `--todos=${TODOS}`, `--lists=${LISTS}`, ...(options.index ? [`--index=${options.index}`] : [])]);
  const models: Model[] = [];
  const open = (): Model => {
    const model = createModel({ url: server.url, WebSocket: WebSocket as never });
    models.push(model);
    return model;
  };
  try {
    const todos = new Map<string, { -readonly [K in keyof Todo]: Todo[K] }>();
    for (let i = 0; i < TODOS; i++) {
      const value = todo(i, LISTS);
      todos.set(value.id, { ...value });
    }
    const ids = [...todos.keys()];

    const writer = open();
    const subscriber = open();
    const readers = Array.from({ length: READERS }, () => open());
    await Promise.all([subscribeAll(writer, ids), subscribeAll(subscriber, ids)]);
    progress(`subscribed to ${ids.length} todos twice`);

    /** Writes on their way, by todo id and by list. */
    const outstanding = new Map<string, Write>();
    const byList = new Map<string, Set<Write>>();
    const queryMs: number[] = [];
    const insertMs: number[] = [];
    const docMs: number[] = [];
    const plainDocMs: number[] = [];
    const settle = (write: Write): void => {
      if (!write.docSeen || (write.affectsQuery && !write.querySeen)) return;
      outstanding.delete(write.id);
      byList.get(write.listId)?.delete(write);
    };

    subscriber.on('change', 'todos.*.*', (event, captures) => {
      const write = outstanding.get(captures[0] as string);
      if (!write || write.docSeen || write.field !== captures[1] || event.value !== write.value) return;
      write.docSeen = true;
      if (write.phase !== 'warmup') (write.phase === 'queries' ? docMs : plainDocMs).push(performance.now() - write.t0);
      settle(write);
    });

    const queries: Array<Query<readonly unknown[]>> = [];
    for (let k = 0; k < LISTS; k++) {
      const listId = `L${k}`;
      const reader = readers[k % READERS] as Model;
      const query = reader.query('todos', { listId, done: false, $sort: { createdAt: 1 } });
      byList.set(listId, new Set());
      query.on('change', () => {
        const pending = byList.get(listId);
        if (!pending || pending.size === 0) return;
        const now = performance.now();
        const result = query.getIds();
        for (const write of pending) {
          if (write.querySeen || !write.affectsQuery) continue;
          const inResult = result.includes(write.id);
          const shows =
            write.effect === 'insert'
              ? inResult
              : write.effect === 'remove'
                ? !inResult
                : inResult && reader.get(`todos.${write.id}.${write.field}`) === write.value;
          if (!shows) continue;
          write.querySeen = true;
          if (write.phase === 'queries') {
            queryMs.push(now - write.t0);
            if (write.effect === 'insert') insertMs.push(now - write.t0);
          }
          settle(write);
        }
      });
      queries.push(query);
    }
    await within(Promise.all(queries.map((query) => query.subscribe())), 30_000, 'subscribing to the live queries');
    progress(`${queries.length} live queries subscribed`);
    queries.forEach((query, k) => {
      const expected = [...todos.values()].filter((t) => t.listId === `L${k}` && !t.done).length;
      if (query.getIds().length !== expected) throw new Error(`live query of list L${k}: ${query.getIds().length} results, expected ${expected}`);
    });

    const random = seededRandom(42);
    let seq = 0;
    const writeOne = (phase: Phase): void => {
      if (outstanding.size > ids.length / 4) {
        throw new Error(`live queries: ${outstanding.size} writes are still on their way (${describe(outstanding)})`);
      }
      let id = ids[Math.floor(random() * ids.length)] as string;
      while (outstanding.has(id)) id = ids[Math.floor(random() * ids.length)] as string;
      const current = todos.get(id) as { -readonly [K in keyof Todo]: Todo[K] };
      const r = random();
      seq += 1;
      const field: Field = r < 0.5 ? 'done' : r < 0.75 ? 'title' : 'createdAt';
      const value = field === 'done' ? !current.done : field === 'title' ? `title ${seq}` : Math.round(random() * 1e9) / 1000;
      const effect = phase === 'plain' ? 'none' : field === 'done' ? (current.done ? 'insert' : 'remove') : current.done ? 'none' : 'change';
      const write: Write = {
        id,
        listId: current.listId,
        field,
        value,
        t0: performance.now(),
        affectsQuery: effect !== 'none',
        effect,
        docSeen: false,
        querySeen: false,
        phase,
      };
      outstanding.set(id, write);
      byList.get(current.listId)?.add(write);
      (current as Record<Field, unknown>)[field] = value;
      writer.set(`todos.${id}.${field}`, value);
    };

    /** `count` writes at RATE per second, paced by the clock; resolves with the rate reached. */
    const writePhase = async (count: number, phase: Phase): Promise<number> => {
      const start = performance.now();
      let written = 0;
      while (written < count) {
        const due = Math.min(count, Math.floor(((performance.now() - start) * RATE) / 1000) + 1);
        while (written < due) {
          writeOne(phase);
          written += 1;
        }
        await sleep(1);
      }
      return (count * 1000) / (performance.now() - start);
    };
    /** Waits until every write arrived everywhere it should (at most `ms`). */
    const drain = async (ms: number): Promise<void> => {
      await within(writer.whenNothingPending(), 30_000, 'the writer\'s writes to be acknowledged');
      const start = performance.now();
      while (outstanding.size > 0 && performance.now() - start < ms) await sleep(5);
    };

    await writePhase(WARMUP_WRITES, 'warmup');
    progress('warm-up written');
    await drain(5_000);
    if (outstanding.size > 0) throw new Error(`live queries: ${outstanding.size} warm-up writes never showed (${describe(outstanding)})`);
    progress('warm-up drained');
    const before = await server.command('cpu');
    const clientBefore = process.cpuUsage();
    loopDelay.reset();
    const phaseStart = performance.now();
    const rate = await writePhase(WRITES, 'queries');
    await drain(5_000);
    const clientCpu = process.cpuUsage(clientBefore);
    const clientLoop = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    const phaseMs = performance.now() - phaseStart;
    const after = await server.command('cpu');
    let missingQuery = 0;
    let missingDoc = 0;
    for (const write of outstanding.values()) {
      if (!write.docSeen) missingDoc += 1;
      if (write.affectsQuery && !write.querySeen) missingQuery += 1;
    }
    if (outstanding.size > 0) process.stderr.write(`  live queries: writes that never showed: ${describe(outstanding)}\n`);
    outstanding.clear();
    for (const pending of byList.values()) pending.clear();
    progress('measured phase done');

    // The same writes again once the readers are gone (and with them every live query).
    for (const reader of readers) reader.close();
    const closing = performance.now();
    while ((await server.command('cpu')).connections > 2) {
      if (performance.now() - closing > 10_000) throw new Error('live queries: the readers\' connections did not close within 10 s');
      await sleep(10);
    }
    const plainBefore = await server.command('cpu');
    const plainRate = await writePhase(WRITES, 'plain');
    await drain(5_000);
    const plainAfter = await server.command('cpu');
    if (outstanding.size > 0) throw new Error(`live queries: ${outstanding.size} writes after the readers closed never showed (${describe(outstanding)})`);
    progress('plain phase done');
    const cpu = (from: ServerFigures, to: ServerFigures): number => to.userUs + to.systemUs - from.userUs - from.systemUs;
    return {
      writes: WRITES,
      rate,
      query: queryMs,
      inserts: insertMs,
      doc: docMs,
      serverCpuUs: cpu(before, after),
      phaseMs,
      clientCpuUs: clientCpu.user + clientCpu.system,
      serverLoopDelayMs: { p99: after.loopDelayP99Ms, max: after.loopDelayMaxMs },
      clientLoopDelayMs: clientLoop,
      missingQuery,
      missingDoc,
      plainRate,
      plainDoc: plainDocMs,
      plainServerCpuUs: cpu(plainBefore, plainAfter),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    loopDelay.disable();
    for (const model of models) model.close();
    await server.close();
  }
}

function describe(outstanding: ReadonlyMap<string, Write>): string {
  return [...outstanding.values()]
    .slice(0, 5)
    .map((w) => `${w.id}.${w.field} = ${JSON.stringify(w.value)} (${w.effect}; doc ${w.docSeen ? 'seen' : 'missing'}, query ${w.querySeen ? 'seen' : 'missing'})`)
    .join('; ');
}
