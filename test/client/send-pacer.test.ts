import { describe, expect, it } from 'vitest';
import { SendPacer } from '../../src/client/send-pacer.ts';
import { waitFor } from '../helpers/sync-fixtures.ts';

const frame = (n: number): Uint8Array => Uint8Array.of(n);

describe('SendPacer', () => {
  it('sends at once within the burst, then the rest in order as the bucket refills', async () => {
    const written: number[] = [];
    const pacer = new SendPacer((f) => written.push(f[0] as number));
    pacer.limit(500, 10); // 80%: 400 a second, 8 at once
    for (let i = 0; i < 20; i++) pacer.send(frame(i));
    // The burst goes at once (a busy machine may refill a token or two while the loop runs); the rest waits.
    expect(written.length).toBeGreaterThanOrEqual(8);
    expect(written.length).toBeLessThan(20);
    expect(written).toEqual(Array.from({ length: written.length }, (_, i) => i));
    expect(pacer.waiting).toBe(20 - written.length);
    await waitFor(() => written.length === 20, 5000, 'the rest');
    expect(written).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('sends everything at once without a rate limit (0), and drops what waits on reset', () => {
    const written: number[] = [];
    const pacer = new SendPacer((f) => written.push(f[0] as number));
    pacer.limit(1, 1);
    pacer.send(frame(1));
    pacer.send(frame(2));
    // A burst of at least one message; the second waits for the refill, and a reset drops it.
    expect(written).toEqual([1]);
    expect(pacer.waiting).toBe(1);
    pacer.reset();
    expect(pacer.waiting).toBe(0);
    written.length = 0;
    pacer.limit(0, 0);
    for (let i = 0; i < 5000; i++) pacer.send(frame(i % 256));
    expect(written).toHaveLength(5000);
  });
});
