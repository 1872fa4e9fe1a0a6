import { describe, expect, it } from 'vitest';
import { PendingSeqs } from '../../src/client/pending-seqs.ts';

describe('PendingSeqs', () => {
  it('reports a removal of every number from the first to the last as a run', () => {
    const seqs = new PendingSeqs();
    for (const seq of [1, 3, 4, 6]) seqs.add('a', seq);
    seqs.add('b', 2);
    expect(seqs.remove('a', [4, 1, 3])).toEqual({ first: 1, last: 4 }); // 2 is another document's
    expect(seqs.remove('a', [6])).toEqual({ first: 6, last: 6 });
    expect(seqs.remove('a', [6])).toBeNull(); // gone
  });

  it('reports no run when a number in the span stays or was never stored', () => {
    const seqs = new PendingSeqs();
    for (const seq of [1, 2, 3, 5]) seqs.add('a', seq);
    expect(seqs.remove('a', [1, 3])).toBeNull(); // 2 stays
    expect(seqs.remove('a', [2, 4])).toBeNull(); // 4 was never stored
    expect(seqs.remove('a', [5])).toEqual({ first: 5, last: 5 });
  });

  it('keeps numbers added out of order sorted', () => {
    const seqs = new PendingSeqs();
    for (const seq of [5, 2, 9, 2]) seqs.add('a', seq);
    expect(seqs.remove('a', [2, 5])).toEqual({ first: 2, last: 5 });
    expect(seqs.remove('a', [9])).toEqual({ first: 9, last: 9 });
  });
});
