/**
 * Fault injection for fan-out users: wraps a Fanout and drops a fraction of
 * the messages it DELIVERS (publishing is untouched), as a transport that
 * loses hints would. The decision is made once per message and process: all
 * the listeners of the wrapped fan-out miss the same messages (both
 * transports hand one message object to every listener of a process, which
 * is what the decision is keyed on). Seeded, so a failing run can be replayed.
 */
import type { Fanout } from '../../src/fanout/fanout.ts';
import { Random } from './random.ts';

/** Options of `lossyFanout`. */
export interface LossyFanoutOptions {
  /** Fraction of delivered messages to drop, from 0 (none) to 1 (all). */
  readonly dropRate: number;
  /** Where the decisions come from (default `new Random(1)`). */
  readonly random?: { next(): number };
}

/** A fan-out that loses some of the messages it delivers. */
export interface LossyFanout extends Fanout {
  /** Fraction of delivered messages dropped from now on (may be changed during a test). */
  dropRate: number;
  /** Messages dropped so far. */
  readonly lost: number;
  /** Messages delivered so far. */
  readonly passed: number;
  /** The wrapped fan-out's `settled()`, or resolved at once when it has none. */
  settled(): Promise<void>;
}

/**
 * Wraps `inner`, dropping `dropRate` of the messages it delivers.
 *
 * @example
 * ```ts
 * const hub = memoryFanoutHub();
 * const flaky = lossyFanout(hub.connect(), { dropRate: 0.2, random: new Random(42) });
 * ```
 */
export function lossyFanout(inner: Fanout & { settled?(): Promise<void> }, options: LossyFanoutOptions): LossyFanout {
  const random = options.random ?? new Random(1);
  const decisions = new WeakMap<Uint8Array, boolean>();
  let lost = 0;
  let passed = 0;
  const wrapper: LossyFanout = {
    dropRate: options.dropRate,
    get lost() {
      return lost;
    },
    get passed() {
      return passed;
    },
    get process() {
      return inner.process;
    },
    get connected() {
      return inner.connected;
    },
    subscribe(channel, listener) {
      return inner.subscribe(channel, (message) => {
        let deliver = decisions.get(message);
        if (deliver === undefined) {
          deliver = random.next() >= wrapper.dropRate;
          decisions.set(message, deliver);
          if (deliver) passed++;
          else lost++;
        }
        if (deliver) listener(message);
      });
    },
    publish: (channel, message) => inner.publish(channel, message),
    onStatus: (listener) => inner.onStatus(listener),
    settled: () => inner.settled?.() ?? Promise.resolve(),
    close: () => inner.close(),
  };
  return wrapper;
}
