/**
 * A sync server on SQLite in a child process, for tests that kill it:
 * `node --import tsx test/helpers/crash-server.ts <db file> <jsonDelayMs>`.
 * Prints `listening <url>` once it accepts connections.
 */
import { createServer, sqliteStorage } from '../../src/server/index.ts';

const [file, delay] = process.argv.slice(2);
if (!file || !delay) throw new Error('usage: crash-server.ts <db file> <jsonDelayMs>');
const server = createServer({ storage: sqliteStorage(file), jsonDelayMs: Number(delay), log: () => undefined });
const { url } = await server.listen({ port: 0 });
console.log(`listening ${url}`);
