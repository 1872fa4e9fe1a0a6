/**
 * Helpers for the fan-out tests: wait on listeners (never on fixed sleeps;
 * a timeout only bounds a failure), collect messages and status changes.
 */
import type { Fanout, FanoutLog } from '../../src/fanout/fanout.ts';

/** Resolves like `promise`, or rejects after `ms` (so a test fails instead of hanging). */
export function within<T>(promise: Promise<T>, ms = 3000, what = 'a promise'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once the fan-outs' subscriptions are active on their transport (fails after `ms`). */
export async function settle(...fanouts: { settled(): Promise<void> }[]): Promise<void> {
  await within(Promise.all(fanouts.map((fanout) => fanout.settled())), 3000, 'the subscriptions to be active');
}

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A message's text (UTF-8). */
export const text = (message: Uint8Array): string => new TextDecoder().decode(message);

/** Collects the messages of one or more subscriptions; `waitFor(n)` resolves once n arrived. */
export class Inbox {
  readonly messages: Uint8Array[] = [];
  #waiters: { readonly count: number; readonly resolve: () => void }[] = [];

  /** Pass this to `subscribe`. */
  readonly listener = (message: Uint8Array): void => {
    this.messages.push(message);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.messages.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };

  /** The messages as text. */
  get texts(): string[] {
    return this.messages.map(text);
  }

  /** Resolves with the messages once `count` arrived (fails after `ms`). */
  async waitFor(count: number, what = `${count} messages`, ms = 3000): Promise<Uint8Array[]> {
    if (this.messages.length < count) await within(new Promise<void>((resolve) => this.#waiters.push({ count, resolve })), ms, what);
    return this.messages;
  }
}

/** Records a fan-out's status changes; `waitFor(...statuses)` resolves once they were seen in that order. */
export class StatusLog {
  readonly statuses: ('up' | 'down')[] = [];
  #check: (() => void) | undefined;

  constructor(fanout: Fanout) {
    fanout.onStatus((status) => {
      this.statuses.push(status);
      this.#check?.();
    });
  }

  /** Resolves once the statuses recorded since `from` contain `expected` in order (fails after `ms`). */
  waitFor(expected: readonly ('up' | 'down')[], from = 0, ms = 3000): Promise<void> {
    const seen = (): boolean => {
      let next = 0;
      for (const status of this.statuses.slice(from)) if (status === expected[next]) next++;
      return next >= expected.length;
    };
    if (seen()) return Promise.resolve();
    return within(
      new Promise<void>((resolve) => {
        this.#check = () => {
          if (!seen()) return;
          this.#check = undefined;
          resolve();
        };
      }),
      ms,
      `statuses ${expected.join(', ')}`,
    );
  }
}

/** Resolves when the fan-out is connected (at once if it is). */
export function whenUp(fanout: Fanout, ms = 3000): Promise<void> {
  if (fanout.connected) return Promise.resolve();
  return within(
    new Promise<void>((resolve) => {
      const stop = fanout.onStatus((status) => {
        if (status !== 'up') return;
        stop();
        resolve();
      });
    }),
    ms,
    "the fan-out's 'up'",
  );
}

/** A log that keeps its lines (`level: message`). */
export function recordingLog(): { readonly lines: string[]; readonly log: FanoutLog } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level}: ${message}`) };
}

/** Every byte value, runs of zeros and invalid UTF-8 (lone continuation bytes, an overlong encoding, a truncated sequence). */
export function awkwardBytes(): Uint8Array {
  const all = Array.from({ length: 256 }, (_, i) => i);
  return new Uint8Array([0, 0, 0, ...all, 0x80, 0xbf, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0x98, 0, 0xff, 0xfe, 0]);
}
