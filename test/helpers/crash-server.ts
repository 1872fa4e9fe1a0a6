/**
 * A sync server on SQLite in a child process, for tests that kill it:
 * `node --import tsx test/helpers/crash-server.ts <db file> <jsonDelayMs> [feed|feed-stuck]`.
 * `feed` turns the change feed on; `feed-stuck` too, with a change log whose
 * records never commit (the process dies before its changes are in the feed).
 * Prints `listening <url>` once it accepts connections.
 */
import { createServer, sqliteStorage, type Storage } from '../../src/server/index.ts';

const [file, delay, feed] = process.argv.slice(2);
if (!file || !delay) throw new Error('usage: crash-server.ts <db file> <jsonDelayMs> [feed|feed-stuck]');
const sqlite = sqliteStorage(file);
const changes = sqlite.changes;
const storage: Storage =
  feed === 'feed-stuck' && changes ? { ...sqlite, changes: { ...changes, record: () => new Promise<void>(() => undefined) } } : sqlite;
const server = createServer({ storage, jsonDelayMs: Number(delay), changeFeed: feed !== undefined, log: () => undefined });
const { url } = await server.listen({ port: 0 });
console.log(`listening ${url}`);
