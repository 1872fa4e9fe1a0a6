/**
 * How the sync and peers benches drive writes between clients (`Peer`s,
 * sync-peers.ts): one write at a time (the next once every reader saw the
 * previous one and, if asked, once it was acknowledged), back to back (one
 * synchronous loop, until the reader saw the last), and closing a round's
 * clients until the server saw every socket go. Latencies are measured in
 * the calling process, from just before the write call to the reader's
 * event (or the acknowledgement), with `performance.now()`.
 */
import type { Peer, ServerProcess } from './sync-peers.ts';

/** Forwards every value any reader sees to the current handler (one listener per reader for the whole round). */
export class Watch {
  handler: ((value: number) => void) | null = null;

  constructor(readers: readonly Peer[]) {
    for (const reader of readers) reader.listen((value) => this.handler?.(value));
  }
}

export interface OneAtATime {
  /** Write to every reader having seen it, per write, in ms. */
  readonly latencies: number[];
  /** Write to acknowledgement, per write, in ms (when acknowledged writes were asked for). */
  readonly acks: number[];
  /** First write to the last reader seeing the last one, in ms. */
  readonly totalMs: number;
}

/**
 * Writes `first`, `first + 1`, ... (`count` writes), one at a time: the next
 * write starts (in a new macrotask) once `readers` readers saw the previous
 * one and, with `acked`, once it was acknowledged.
 */
export function oneAtATime(writer: Peer, watch: Watch, readers: number, first: number, count: number, acked: boolean): Promise<OneAtATime> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const acks: number[] = [];
    let i = 0;
    let value = first;
    let seen = 0;
    let ackDone = true;
    let t0 = 0;
    let start = 0;
    const timer = setTimeout(() => fail(new Error(`one-at-a-time writes: stuck at write ${i} of ${count}`)), 60_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      watch.handler = null;
      reject(error);
    };
    const maybeNext = (): void => {
      if (seen < readers || !ackDone) return;
      i += 1;
      if (i < count) {
        setImmediate(write);
        return;
      }
      clearTimeout(timer);
      watch.handler = null;
      resolve({ latencies, acks, totalMs: performance.now() - start });
    };
    watch.handler = (seenValue) => {
      if (seenValue !== value) return;
      seen += 1;
      if (seen === readers) {
        latencies.push(performance.now() - t0);
        maybeNext();
      }
    };
    const write = (): void => {
      value = first + i;
      seen = 0;
      ackDone = !acked;
      t0 = performance.now();
      if (!acked) {
        writer.write(value);
        return;
      }
      if (!writer.writeAcked) return fail(new Error('this client has no acknowledged writes'));
      writer.writeAcked(value, (error) => {
        if (error) return fail(error);
        acks.push(performance.now() - t0);
        ackDone = true;
        maybeNext();
      });
    };
    start = performance.now();
    write();
  });
}

export interface BackToBack {
  /** First write to the reader seeing the last one, in ms. */
  readonly seenMs: number;
  /** First write to the acknowledgement of the last one (every earlier one is acknowledged with it), in ms. */
  readonly ackedMs: number;
}

/** Writes `first` ... `first + count - 1` in one synchronous loop; resolves once the reader saw the last (and, with `acked`, once it was acknowledged). */
export function backToBack(writer: Peer, watch: Watch, first: number, count: number, acked: boolean): Promise<BackToBack> {
  return new Promise((resolve, reject) => {
    const last = first + count - 1;
    let seenMs = -1;
    let ackedMs = acked ? -1 : 0;
    const timer = setTimeout(() => {
      watch.handler = null;
      reject(new Error(`back-to-back writes: the last of ${count} was not seen within 60 s`));
    }, 60_000);
    const done = (): void => {
      if (seenMs < 0 || ackedMs < 0) return;
      clearTimeout(timer);
      watch.handler = null;
      resolve({ seenMs, ackedMs });
    };
    watch.handler = (value) => {
      if (value !== last) return;
      seenMs = performance.now() - start;
      done();
    };
    const start = performance.now();
    for (let value = first; value < last; value++) writer.write(value);
    if (!acked) {
      writer.write(last);
      return;
    }
    writer.writeAcked?.(last, (error) => {
      if (error) {
        clearTimeout(timer);
        watch.handler = null;
        reject(error);
        return;
      }
      ackedMs = performance.now() - start;
      done();
    });
  });
}

/** Closes a round's clients and waits until the server has seen every socket close (then it runs gc). */
export async function closeAll(peers: readonly Peer[], server: ServerProcess): Promise<void> {
  for (const peer of peers) peer.close();
  const stats = await server.command('settle');
  if (stats.connections > 0) throw new Error(`server ${server.label}: ${stats.connections} connections still open 10 s after the round`);
}
