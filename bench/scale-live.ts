/**
 * Case 5 of scale.bench.ts: live queries across processes.
 *
 * The servers hold TODOS todos in LISTS lists (query-data.ts, stored by the
 * server child before it listens, in its Postgres schema, with the index
 * `listId, createdAt`). Per contender, opened once:
 * - a writer model subscribed to every todo;
 * - READERS reader models holding, between them, one live query per list
 *   (LISTS queries), `{ listId: 'L<k>', done: false, $sort: { createdAt: 1 } }`,
 *   each with a `change` listener.
 * `one`: writer and readers on one server process (Postgres, no fan-out).
 * `cross`: the writer on process 1, the readers on process 2 (Postgres and
 * Redis fan-out).
 *
 * A round writes RATE writes/s (WRITES of them; the warm-up round fewer),
 * as query-live.ts does: a random todo without a write on its way toggles
 * `done` (half of the writes: the todo enters or leaves its list's result),
 * or gets a new `title` or `createdAt` (a quarter each; it changes the
 * result when the todo is not done). Per write that changes a result, the
 * time from just before `writer.set(...)` to the query's `change` event at
 * which the reader's result shows it. Writes still unseen DRAIN_MS after
 * the round count as infinitely late.
 */
import { WebSocket } from 'ws';
import { createModel, type Model, type Query } from 'yracer';
import { sleep, within } from './bench-child.ts';
import { seededRandom } from './harness.ts';
import { todo, type Todo } from './query-data.ts';
import type { ServerGroup } from './scale-procs.ts';
import { alternate, quantile, type Alternation, type Figures } from './sync-rounds.ts';

/** A quantile, NaN for no samples (a round may have no insertion, say). */
const q = (samples: readonly number[], p: number): number => (samples.length === 0 ? NaN : quantile(samples, p));

export const TODOS = 2_000;
export const LISTS = 100;
export const READERS = 10;
export const RATE = 500;
export const WRITES = 600;
const WARMUP_WRITES = 200;
export const DRAIN_MS = 2_000;

type Field = 'done' | 'title' | 'createdAt';
type Effect = 'insert' | 'remove' | 'change';

/** A write on its way that changes a result. */
interface Write {
  readonly id: string;
  readonly field: Field;
  readonly value: unknown;
  readonly effect: Effect;
  readonly t0: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One contender's clients and what they know, kept across rounds. */
class LiveSetup {
  readonly models: Model[] = [];
  readonly todos = new Map<string, Mutable<Todo>>();
  ids: readonly string[] = [];
  /** Writes on their way, by todo id, and by list. */
  readonly outstanding = new Map<string, Write | null>();
  readonly byList = new Map<string, Set<Write>>();
  /** Write → query event per effect, in the current round. */
  samples: Record<Effect, number[]> = { insert: [], remove: [], change: [] };
  writer!: Model;

  async open(writerServer: ServerGroup, readerServer: ServerGroup, label: string): Promise<void> {
    for (let i = 0; i < TODOS; i++) {
      const value = todo(i, LISTS);
      this.todos.set(value.id, { ...value });
    }
    const open = (server: ServerGroup, name: string): Model => {
      const model = createModel({ url: server.url(`${label}-${name}`), WebSocket: WebSocket as never });
      this.models.push(model);
      return model;
    };
    this.writer = open(writerServer, 'writer');
    const ids = [...this.todos.keys()];
    this.ids = ids;
    for (let start = 0; start < ids.length; start += 500) {
      await within(this.writer.subscribe(...ids.slice(start, start + 500).map((id) => `todos.${id}`)), 30_000, 'subscribing to the todos');
    }
    const readers = Array.from({ length: READERS }, (_, k) => open(readerServer, `reader${k}`));
    const queries: Array<Query<readonly unknown[]>> = [];
    for (let k = 0; k < LISTS; k++) {
      const listId = `L${k}`;
      const reader = readers[k % READERS] as Model;
      const query = reader.query('todos', { listId, done: false, $sort: { createdAt: 1 } });
      this.byList.set(listId, new Set());
      query.on('change', () => this.#queryChanged(query, reader, listId));
      queries.push(query);
    }
    await within(Promise.all(queries.map((query) => query.subscribe())), 30_000, 'subscribing to the live queries');
    queries.forEach((query, k) => {
      const expected = [...this.todos.values()].filter((t) => t.listId === `L${k}` && !t.done).length;
      if (query.getIds().length !== expected) throw new Error(`${label}: live query of list L${k} has ${query.getIds().length} results, expected ${expected}`);
    });
  }

  #queryChanged(query: Query<readonly unknown[]>, reader: Model, listId: string): void {
    const pending = this.byList.get(listId);
    if (!pending || pending.size === 0) return;
    const now = performance.now();
    const result = query.getIds();
    for (const write of pending) {
      const inResult = result.includes(write.id);
      const shows =
        write.effect === 'insert' ? inResult : write.effect === 'remove' ? !inResult : inResult && reader.get(`todos.${write.id}.${write.field}`) === write.value;
      if (!shows) continue;
      this.samples[write.effect].push(now - write.t0);
      pending.delete(write);
      this.outstanding.delete(write.id);
    }
  }

  /** One write to a random todo without one on its way. */
  write(random: () => number, seq: number): void {
    const ids = this.ids;
    let id = ids[Math.floor(random() * ids.length)] as string;
    while (this.outstanding.has(id)) id = ids[Math.floor(random() * ids.length)] as string;
    const current = this.todos.get(id) as Mutable<Todo>;
    const r = random();
    const field: Field = r < 0.5 ? 'done' : r < 0.75 ? 'title' : 'createdAt';
    const value = field === 'done' ? !current.done : field === 'title' ? `title ${seq}` : Math.round(random() * 1e9) / 1000;
    const effect: Effect | null = field === 'done' ? (current.done ? 'insert' : 'remove') : current.done ? null : 'change';
    (current as Record<Field, unknown>)[field] = value;
    if (effect) {
      const write: Write = { id, field, value, effect, t0: performance.now() };
      this.outstanding.set(id, write);
      this.byList.get(current.listId)?.add(write);
    } else {
      // Changes no result: only kept from being picked again until the round ends.
      this.outstanding.set(id, null);
    }
    this.writer.set(`todos.${id}.${field}`, value);
  }

  close(): void {
    for (const model of this.models.splice(0)) model.close();
  }
}

/** One round: `count` writes at RATE, then the drain; the figures of the writes that changed a result. */
async function liveRound(setup: LiveSetup, random: () => number, count: number): Promise<Figures> {
  setup.samples = { insert: [], remove: [], change: [] };
  const start = performance.now();
  let written = 0;
  while (written < count) {
    const due = Math.min(count, Math.floor(((performance.now() - start) * RATE) / 1000) + 1);
    for (; written < due; written++) setup.write(random, written);
    await sleep(1);
  }
  const rate = (count * 1000) / (performance.now() - start);
  const unseen = (): number => [...setup.outstanding.values()].filter((write) => write !== null).length;
  const drainStart = performance.now();
  while (unseen() > 0 && performance.now() - drainStart < DRAIN_MS) await sleep(5);
  const lost = unseen();
  const { insert, remove, change } = setup.samples;
  const all = [...insert, ...remove, ...change, ...Array.from({ length: lost }, () => Infinity)];
  for (const write of setup.outstanding.values()) if (write) setup.samples[write.effect].push(Infinity);
  setup.outstanding.clear();
  for (const pending of setup.byList.values()) pending.clear();
  return {
    rate,
    samples: all.length,
    lost,
    p50: q(all, 0.5),
    p99: q(all, 0.99),
    insertP50: q(setup.samples.insert, 0.5),
    insertP99: q(setup.samples.insert, 0.99),
    otherP99: q([...setup.samples.remove, ...setup.samples.change], 0.99),
  };
}

/** The two contenders side by side (a shorter warm-up round, then 5 timed rounds). */
export async function liveAcross(servers: { one: ServerGroup; p1: ServerGroup; p2: ServerGroup }): Promise<Alternation> {
  const one = new LiveSetup();
  const cross = new LiveSetup();
  try {
    await Promise.all([one.open(servers.one, servers.one, 'one'), cross.open(servers.p1, servers.p2, 'cross')]);
    const randoms = { one: seededRandom(7), cross: seededRandom(7) };
    return await alternate({
      name: `live queries, ${RATE} writes/s, ${LISTS} queries`,
      runs: {
        one: (round) => liveRound(one, randoms.one, round === 0 ? WARMUP_WRITES : WRITES),
        cross: (round) => liveRound(cross, randoms.cross, round === 0 ? WARMUP_WRITES : WRITES),
      },
      rounds: 5,
      budgetMs: 60_000,
    });
  } finally {
    one.close();
    cross.close();
    await Promise.all([servers.one.figures('settle'), servers.p1.figures('settle'), servers.p2.figures('settle')]);
  }
}
