import { describe, expect, it } from 'vitest';
import { ioTurn, SLICE_MS } from '../../src/server/io-turns.ts';

/** Spins for `ms` milliseconds without giving the event loop a turn. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('ioTurn', () => {
  it('goes on at once while the slice has time left', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(ioTurn()).toBeNull();
    expect(ioTurn()).toBeNull();
  });

  it('gives the event loop a turn in a chain of promise callbacks that runs longer than the slice', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    let loopTurns = 0;
    const ticker = setInterval(() => (loopTurns += 1), 0);
    let chain: Promise<void> = Promise.resolve();
    let yielded = 0;
    for (let i = 0; i < 8; i++) {
      chain = chain.then(async () => {
        const turn = ioTurn();
        if (turn) {
          yielded += 1;
          await turn;
        }
        busy(SLICE_MS / 2 + 1);
      });
    }
    await chain;
    clearInterval(ticker);
    // 8 steps of more than half a slice each: at least 3 turns, and timers ran in between.
    expect(yielded).toBeGreaterThanOrEqual(3);
    expect(loopTurns).toBeGreaterThan(0);
  });
});
