/**
 * Seeded random convergence: 5 peers on 3 documents, connected through a
 * network with random delays, drops and disconnects, each doing random
 * mutations. After the network heals every peer must read the same snapshot,
 * and for each peer, applying its emitted events in order to its starting
 * snapshot must give its final snapshot.
 *
 * Replay one seed with `SEED=123 npx vitest run test/model/convergence.test.ts`;
 * change the number of seeds with `SEEDS=1000`.
 */
import { describe, expect, it } from 'vitest';
import { createModel, type Model, type ModelEvent } from '../../src/index.ts';
import { applyEvent, type Tree } from '../helpers/apply-event.ts';
import { PeerNetwork } from '../helpers/peer-network.ts';
import { Random } from '../helpers/random.ts';

const PEERS = 5;
const DOCS = ['todos.d0', 'todos.d1', 'todos.d2'];
const STEPS = Number(process.env['STEPS'] ?? 40);
const KEYS = ['a', 'b', 'n', 's', 'list', 'm'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function randomValue(random: Random, depth = 0): Json {
  const r = random.int(depth > 1 ? 4 : 6);
  if (r === 0) return random.int(100);
  if (r === 1) return `w${random.int(100)}`;
  if (r === 2) return random.chance(0.5);
  if (r === 3) return null;
  if (r === 4) return { x: random.int(10), y: [randomValue(random, depth + 1)] };
  return [random.int(10), randomValue(random, depth + 1)];
}

interface Node {
  readonly path: string;
  readonly value: unknown;
}

function nodes(value: unknown, path: string, out: Node[] = []): Node[] {
  out.push({ path, value });
  if (Array.isArray(value)) value.forEach((child, i) => nodes(child, `${path}.${i}`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) nodes(child, `${path}.${key}`, out);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does one random mutation that is valid for the peer's current snapshot; returns a description. */
function randomMutation(model: Model, random: Random): string {
  const doc = random.pick(DOCS);
  const all = nodes(model.get(doc), doc);
  const maps = all.filter((n) => isObject(n.value) || n.path === doc);
  const arrays = all.filter((n) => Array.isArray(n.value));
  const numbers = all.filter((n) => typeof n.value === 'number' && n.path !== doc);
  const strings = all.filter((n) => typeof n.value === 'string' && n.path !== doc);
  const inner = all.filter((n) => n.path !== doc);
  const kind = random.int(12);
  if (kind === 0 && random.chance(0.3)) {
    const value = { a: randomValue(random), n: random.int(5) };
    model.set(doc, value);
    return `set ${doc} ${JSON.stringify(value)}`;
  }
  if (kind === 1 && random.chance(0.2)) {
    model.del(doc);
    return `del ${doc}`;
  }
  if (kind <= 2) {
    const target = `${random.pick(maps).path}.${random.pick(KEYS)}`;
    if (model.get(target) !== undefined && !isObject(model.get(target)) && random.chance(0.3)) return 'skip';
    const value = randomValue(random);
    model.set(target, value);
    return `set ${target} ${JSON.stringify(value)}`;
  }
  if (kind === 3 && inner.length > 0) {
    const target = random.pick(inner).path;
    model.del(target);
    return `del ${target}`;
  }
  if (kind === 4 && arrays.length > 0) {
    const array = random.pick(arrays);
    const index = random.int((array.value as unknown[]).length + 1);
    const value = randomValue(random);
    model.set(`${array.path}.${index}`, value);
    return `set ${array.path}.${index} ${JSON.stringify(value)}`;
  }
  if (kind === 5) {
    const map = random.pick(maps);
    const path = arrays.length > 0 && random.chance(0.7) ? random.pick(arrays).path : `${map.path}.list`;
    const current = model.get(path);
    if (current !== undefined && !Array.isArray(current)) return 'skip';
    const length = Array.isArray(current) ? current.length : 0;
    const index = random.int(length + 1);
    const values = [randomValue(random), random.int(9)].slice(0, 1 + random.int(2));
    model.insert(path, index, ...values);
    return `insert ${path} ${index} ${JSON.stringify(values)}`;
  }
  if (kind === 6 && arrays.length > 0) {
    const array = random.pick(arrays);
    const length = (array.value as unknown[]).length;
    if (length === 0) return 'skip';
    const index = random.int(length);
    const howMany = 1 + random.int(Math.min(2, length - index));
    model.remove(array.path, index, howMany);
    return `remove ${array.path} ${index} ${howMany}`;
  }
  if (kind === 7 && arrays.length > 0) {
    const array = random.pick(arrays);
    const length = (array.value as unknown[]).length;
    if (length < 2) return 'skip';
    const howMany = 1 + random.int(Math.min(2, length - 1));
    const from = random.int(length - howMany + 1);
    const to = random.int(length - howMany + 1);
    model.move(array.path, from, to, howMany);
    return `move ${array.path} ${from} ${to} ${howMany}`;
  }
  if (kind === 8 || kind === 9) {
    const target = numbers.length > 0 && random.chance(0.6) ? random.pick(numbers).path : `${random.pick(maps).path}.n`;
    const current = model.get(target);
    if (current !== undefined && typeof current !== 'number') return 'skip';
    const by = random.int(5) - 1;
    model.increment(target, by);
    return `increment ${target} ${by}`;
  }
  if (kind === 10) {
    const target = strings.length > 0 && random.chance(0.6) ? random.pick(strings).path : `${random.pick(maps).path}.s`;
    const current = model.get(target);
    if (current !== undefined && typeof current !== 'string') return 'skip';
    const index = random.int((current?.length ?? 0) + 1);
    const text = random.pick(['x', 'yz', 'Q']);
    model.stringInsert(target, index, text);
    return `stringInsert ${target} ${index} ${text}`;
  }
  if (kind === 11 && strings.length > 0) {
    const target = random.pick(strings);
    const length = (target.value as string).length;
    if (length === 0) return 'skip';
    const index = random.int(length);
    const howMany = 1 + random.int(length - index);
    model.stringRemove(target.path, index, howMany);
    return `stringRemove ${target.path} ${index} ${howMany}`;
  }
  return 'skip';
}

function withoutEmptyCollections(tree: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tree).filter(([, docs]) => Object.keys(docs as object).length > 0));
}

function runSeed(seed: number): void {
  const random = new Random(seed);
  const peers = Array.from({ length: PEERS }, () => createModel());
  const logs: ModelEvent[][] = peers.map(() => []);
  peers.forEach((peer, i) => peer.on('all', (event) => logs[i]?.push(event)));
  const network = new PeerNetwork(peers, DOCS, random, { maxDelay: 4, dropRate: 0.1 });
  const history: string[] = [];
  for (let step = 0; step < STEPS; step++) {
    peers.forEach((peer, i) => {
      if (network.online[i] && random.chance(0.05)) network.disconnect(i);
      else if (!network.online[i] && random.chance(0.25)) network.reconnect(i);
      if (random.chance(0.6)) {
        const done = randomMutation(peer, random);
        history.push(`${step} peer${i} ${done}`);
      }
    });
    network.step();
  }
  network.heal();
  const reason = `seed ${seed}; replay with SEED=${seed}; last ops:\n${history.slice(-8).join('\n')}`;
  const final = peers[0]?.get();
  peers.forEach((peer, i) => {
    expect(peer.get(), `peer ${i} differs from peer 0 (${reason})`).toEqual(final);
    let mirror: Tree = {};
    for (const event of logs[i] ?? []) mirror = applyEvent(mirror, event);
    expect(withoutEmptyCollections(mirror), `peer ${i}'s events do not rebuild its snapshot (${reason})`).toEqual(peer.get());
  });
  peers.forEach((peer) => peer.close());
}

const replay = process.env['SEED'];
const count = Number(process.env['SEEDS'] ?? 200);
const seeds = replay !== undefined ? [Number(replay)] : Array.from({ length: count }, (_, i) => i + 1);

const CHUNK = 50;
const chunks = Array.from({ length: Math.ceil(seeds.length / CHUNK) }, (_, i) => seeds.slice(i * CHUNK, (i + 1) * CHUNK));

describe('convergence', () => {
  it.each(chunks.map((chunk) => [chunk[0], chunk[chunk.length - 1], chunk] as const))(
    'converges and replays its own events for seeds %i to %i',
    (_first, _last, chunk) => {
      for (const seed of chunk) runSeed(seed);
    },
  );
});
