/**
 * The clients of query.bench.ts's live-query case in a process of their own
 * (query-live.ts; the server is one more child, query-server.child.ts), so
 * that what earlier benchmarks left in the benchmark's heap does not slow
 * them down.
 *
 *   node --expose-gc --import tsx bench/query-live.child.ts <sqlite file>
 *
 * Prints one JSON line: `LiveFigures`.
 */
import { liveQueries } from './query-live.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: query-live.child.ts <sqlite file>');
// The index a user would declare for these queries: equality on listId, then the sort key.
const figures = await liveQueries(file, { index: 'listId,createdAt' });
process.stdout.write(`${JSON.stringify(figures)}\n`);
