/**
 * An in-memory network between models for convergence tests: every Yjs update
 * a peer makes is sent to the other connected peers after a random delay and
 * may be dropped; peers can disconnect (they keep editing) and reconnect (they
 * exchange state with every connected peer); `heal()` connects everyone and
 * brings every document to the same state. Time is simulated in ticks.
 */
import * as Y from 'yjs';
import type { Model } from '../../src/index.ts';
import type { Random } from './random.ts';

const NETWORK = Symbol('network');

interface Message {
  readonly at: number;
  readonly to: number;
  readonly path: string;
  readonly update: Uint8Array;
}

/** Options of the simulated network. */
export interface NetworkOptions {
  readonly maxDelay: number;
  readonly dropRate: number;
}

/** Simulated network between peers that share a fixed set of documents. */
export class PeerNetwork {
  readonly peers: readonly Model[];
  readonly online: boolean[];
  readonly #docs: readonly string[];
  readonly #random: Random;
  readonly #options: NetworkOptions;
  #queue: Message[] = [];
  #tick = 0;

  constructor(peers: readonly Model[], docs: readonly string[], random: Random, options: NetworkOptions) {
    this.peers = peers;
    this.online = peers.map(() => true);
    this.#docs = docs;
    this.#random = random;
    this.#options = options;
    peers.forEach((peer, from) => {
      for (const path of docs) {
        // Yjs orders concurrent inserts by client id: fix them so a seed replays exactly.
        peer.yDoc(path).clientID = 1 + random.int(0x7fffffff);
        peer.yDoc(path).on('update', (update: Uint8Array, origin: unknown) => {
          if (origin !== NETWORK) this.#broadcast(from, path, update);
        });
      }
    });
  }

  #broadcast(from: number, path: string, update: Uint8Array): void {
    if (!this.online[from]) return;
    this.peers.forEach((_, to) => {
      if (to === from || !this.online[to] || this.#random.chance(this.#options.dropRate)) return;
      this.#queue.push({ at: this.#tick + 1 + this.#random.int(this.#options.maxDelay), to, path, update });
    });
  }

  /** Advances time by one tick, delivering what is due (in random order among equals). */
  step(): void {
    this.#tick++;
    const due = this.#queue.filter((m) => m.at <= this.#tick);
    this.#queue = this.#queue.filter((m) => m.at > this.#tick);
    for (const message of due) {
      if (this.online[message.to]) this.#apply(message.to, message.path, message.update);
    }
  }

  #apply(to: number, path: string, update: Uint8Array): void {
    Y.applyUpdate((this.peers[to] as Model).yDoc(path), update, NETWORK);
  }

  /** Sends peer `from` everything peer `to` lacks, for every document. */
  #syncPair(from: number, to: number): void {
    for (const path of this.#docs) {
      const source = (this.peers[from] as Model).yDoc(path);
      const target = (this.peers[to] as Model).yDoc(path);
      const update = Y.encodeStateAsUpdate(source, Y.encodeStateVector(target));
      Y.applyUpdate(target, update, NETWORK);
    }
  }

  /** Takes a peer offline: it keeps its state and edits, but sends and receives nothing. */
  disconnect(peer: number): void {
    this.online[peer] = false;
    this.#queue = this.#queue.filter((m) => m.to !== peer);
  }

  /** Brings a peer back: it exchanges state with every connected peer. */
  reconnect(peer: number): void {
    this.online[peer] = true;
    this.peers.forEach((_, other) => {
      if (other === peer || !this.online[other]) return;
      this.#syncPair(other, peer);
      this.#syncPair(peer, other);
    });
  }

  /** Connects everyone, delivers everything in flight, and syncs every pair. */
  heal(): void {
    this.online.fill(true);
    while (this.#queue.length > 0) this.step();
    for (let i = 1; i < this.peers.length; i++) this.#syncPair(i, 0);
    for (let i = 1; i < this.peers.length; i++) this.#syncPair(0, i);
  }
}
