import { describe, expect, it } from 'vitest';
import { ackMessage } from '../../src/protocol/ack-message.ts';
import { decodeFrame } from '../../src/protocol/frame.ts';
import { AckBatch } from '../../src/server/ack-batch.ts';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AckBatch', () => {
  it('sends one ack per document at the end of the turn, with its highest number', async () => {
    const sent: unknown[] = [];
    const acks = new AckBatch((frame) => sent.push(decodeFrame(frame)));
    acks.add('todos/a', 1);
    acks.add('todos/a', 3);
    acks.add('todos/b', 2);
    acks.add('todos/a', 2); // stored after 3 was: 3 covers it
    expect(sent).toEqual([]);
    await turn();
    expect(sent).toEqual([
      { kind: ackMessage.kind, seq: 3 },
      { kind: ackMessage.kind, seq: 2 },
    ]);
  });

  it('starts a new batch in the next turn', async () => {
    const sent: number[] = [];
    const acks = new AckBatch((frame) => sent.push((decodeFrame(frame) as { seq: number }).seq));
    acks.add('todos/a', 1);
    await turn();
    acks.add('todos/a', 2);
    await turn();
    expect(sent).toEqual([1, 2]);
  });
});
