/**
 * What many read-filtered live queries of one connection cost everyone else:
 * one connection (bob) subscribes to `--queries` distinct `$limit: 1`
 * queries over a `--docs` todos collection while the server has read rules
 * (bob reads his own todos: half of them); another connection (ann) writes
 * one of her unshared todos `--writes` times, one write at a time, and the
 * time from sending each update to its `ack` is measured. Rounds alternate
 * without bob (quiet) and with bob and his queries (busy), `--rounds` of
 * each, so that a change of the machine's load hits both alike. With
 * `--shared-target=1` ann writes her first todo, shared: it is in every one
 * of bob's results, so each write runs all his queries again (the worst
 * case); by default she writes an unshared todo bob cannot read.
 *
 *   node --expose-gc --import tsx bench/read-filtered-queries.ts [--docs=2000] [--queries=1000] [--writes=200] [--rounds=3] [--shared-target=1]
 *
 * The server runs in this process over a temporary SQLite file and is
 * imported from src/ (no build needed). Printed: per round, ack latency
 * p50/p95/max in ms; the medians over rounds; the time to answer every
 * query and the heap held (after a full GC) once they answered; and counts
 * that do not depend on the machine: storage rows read by queries and read
 * rule calls, per write of a busy round. Not part of the test suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import type { AckMessage } from '../src/protocol/ack-message.ts';
import { docMessage } from '../src/protocol/doc-message.ts';
import { decodeFrame, type Message } from '../src/protocol/frame.ts';
import { MessageKind } from '../src/protocol/message-kind.ts';
import { queryMessage } from '../src/protocol/query-message.ts';
import { subscribeMessage } from '../src/protocol/subscribe-message.ts';
import { updatePayload } from '../src/protocol/sync-payload.ts';
import { createServer, sqliteStorage, type Rules, type Session, type Storage } from '../src/server/index.ts';
import { seedDocument } from './seed-storage.ts';
import { documentState } from './query-data.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => Number(args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const DOCS = option('docs', 2000);
const QUERIES = option('queries', 1000);
const WRITES = option('writes', 200);
const ROUNDS = option('rounds', 3);
const TARGET = option('shared-target', 0) === 1 ? 0 : DOCS / 2;

/** Work done by the server, counted (independent of the machine's speed). */
const counts = { storageRows: 0, storageQueries: 0, readRuleCalls: 0 };

interface Todo {
  readonly owner: string;
  readonly shared: boolean;
  readonly title: string;
  readonly n: number;
}

const rules: Rules = {
  todos: {
    read: (session: Session, _id: string, doc: Todo | undefined) => {
      counts.readRuleCalls += 1;
      return doc === undefined || doc.shared || doc.owner === session['user'];
    },
    create: (session: Session, _id: string, doc: Todo) => doc.owner === session['user'],
    update: (session: Session, _id: string, before: Todo) => before.owner === session['user'],
    delete: () => false,
  },
};

/** A raw socket that hands each decoded message to whoever waits for it. */
async function socket(url: string, user: string): Promise<{ ws: WebSocket; next(match: (m: Message) => boolean): Promise<Message> }> {
  const ws = new WebSocket(`${url}?token=${user}`);
  const waiting: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  ws.on('message', (data: Buffer) => {
    const message = decodeFrame(new Uint8Array(data));
    const i = waiting.findIndex((w) => w.match(message));
    if (i >= 0) waiting.splice(i, 1)[0]?.resolve(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, next: (match) => new Promise((resolve) => waiting.push({ match, resolve })) };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Counts the rows the server's queries read. */
function counting(inner: Storage): Storage {
  return {
    load: (key) => inner.load(key),
    append: (key, updates, options) => inner.append(key, updates, options),
    readSince: (key, version) => inner.readSince(key, version),
    heads: (keys) => inner.heads(keys),
    compact: (key, state, through) => inner.compact(key, state, through),
    saveJson: (key, json, through) => inner.saveJson(key, json, through),
    staleJson: () => inner.staleJson(),
    loadJson: (key) => inner.loadJson(key),
    close: () => inner.close(),
    async query(collection, expression, options) {
      const result = await inner.query(collection, expression, options);
      counts.storageQueries += 1;
      counts.storageRows += result.ids.length;
      return result;
    },
  };
}

interface Round {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yracer-bench-'));
  const inner = sqliteStorage(join(dir, 'bench.db'));
  for (let i = 0; i < DOCS; i++) {
    const shared = i === 0 && TARGET === 0;
    const value: Todo & { id: string } = { id: `t${String(i).padStart(5, '0')}`, owner: i % 2 === 0 ? 'ann' : 'bob', shared, title: `todo ${i}`, n: i };
    const key = { collection: 'todos', id: value.id };
    await seedDocument(inner, key, documentState({ ...value }), JSON.stringify(value));
  }
  const server = createServer({
    storage: counting(inner),
    rules,
    maxQueries: QUERIES,
    authenticate: (request) => ({ user: new URL(request.url ?? '/', 'http://x').searchParams.get('token') }),
    log: (level, message) => {
      if (level !== 'info') process.stderr.write(`server ${level}: ${message}\n`);
    },
  });
  const { url } = await server.listen({ port: 0 });

  // Ann writes one of her todos: by default unshared, in the middle of the collection (unreadable to bob).
  const ann = await socket(url, 'ann');
  const target = `todos/t${String(TARGET).padStart(5, '0')}`;
  ann.ws.send(subscribeMessage.encode({ request: 1, doc: target, mode: 0, stateVector: Y.encodeStateVector(new Y.Doc()) }));
  await ann.next((m) => m.kind === MessageKind.Subscribed);
  // Ann's copy starts from the stored state, so her writes change the document's value.
  const doc = new Y.Doc();
  const stored = await inner.load({ collection: 'todos', id: target.slice('todos/'.length) });
  if (stored.state) Y.applyUpdate(doc, stored.state);
  let seq = 0;
  const acks = async (): Promise<Round> => {
    const times: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      const before = Y.encodeStateVector(doc);
      doc.getMap('data').set('title', `title ${seq}`);
      seq += 1;
      const update = Y.encodeStateAsUpdate(doc, before);
      const mine = seq;
      const acked = ann.next((m) => m.kind === MessageKind.Ack && (m as AckMessage).seq === mine);
      const started = performance.now();
      ann.ws.send(docMessage.encode({ doc: target, seq: mine, payload: updatePayload(update) }));
      await acked;
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] ?? NaN };
  };
  const show = (label: string, round: Round): void =>
    console.log(`${label}: ack p50 ${round.p50.toFixed(2)} ms, p95 ${round.p95.toFixed(2)} ms, max ${round.max.toFixed(2)} ms`);
  await acks(); // warm-up

  console.log(`docs ${DOCS}, queries ${QUERIES}, writes ${WRITES} per round to ${target}${TARGET === 0 ? ' (shared)' : ''}, ${ROUNDS} rounds`);
  const quiet: Round[] = [];
  const busy: Round[] = [];
  const work: Array<typeof counts> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    quiet.push(await acks());
    show(`round ${round} quiet`, quiet[quiet.length - 1] as Round);
    const heapBefore = heapMb();
    const bob = await socket(url, 'bob');
    const answered = Promise.all(
      Array.from({ length: QUERIES }, (_, i) => bob.next((m) => (m.kind === MessageKind.QueryResult || m.kind === MessageKind.Error) && 'request' in m && m.request === i + 1)),
    );
    const started = performance.now();
    for (let i = 0; i < QUERIES; i++) {
      bob.ws.send(queryMessage.encode({ request: i + 1, collection: 'todos', mode: 0, expression: JSON.stringify({ n: { $gte: -1 - i }, $limit: 1 }) }));
    }
    const results = await answered;
    const answerMs = performance.now() - started;
    const refused = results.filter((m) => m.kind === MessageKind.Error).length;
    const heapHeld = heapMb() - heapBefore;
    const before = { ...counts };
    busy.push(await acks());
    work.push({
      storageRows: counts.storageRows - before.storageRows,
      storageQueries: counts.storageQueries - before.storageQueries,
      readRuleCalls: counts.readRuleCalls - before.readRuleCalls,
    });
    show(`round ${round} busy `, busy[busy.length - 1] as Round);
    console.log(`  ${QUERIES} queries (${refused} refused) answered in ${answerMs.toFixed(0)} ms, heap held ${heapHeld.toFixed(1)} MB`);
    const w = work[work.length - 1] as typeof counts;
    console.log(`  per write: ${(w.storageQueries / WRITES).toFixed(1)} storage queries, ${(w.storageRows / WRITES).toFixed(0)} rows read, ${(w.readRuleCalls / WRITES).toFixed(0)} read rule calls`);
    await new Promise<void>((resolve) => {
      bob.ws.once('close', () => resolve());
      bob.ws.close();
    });
  }
  const summary = (label: string, rounds: readonly Round[]): string =>
    `${label}: ack p50 ${median(rounds.map((r) => r.p50)).toFixed(2)} ms, p95 ${median(rounds.map((r) => r.p95)).toFixed(2)} ms (medians over rounds)`;
  console.log(summary('quiet', quiet));
  console.log(summary('busy ', busy));
  ann.ws.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
