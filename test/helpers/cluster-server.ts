/**
 * One server process of a multi-process test, on Postgres and Redis:
 * `node --import tsx test/helpers/cluster-server.ts <postgres url> <schema> <redis url> <channel prefix> [jsonDelayMs]`.
 * Prints `listening <port>` once it accepts connections; exits 0 on SIGTERM
 * after closing (storing what is pending).
 */
import { redisFanout } from '../../src/fanout/redis-fanout.ts';
import { createServer } from '../../src/server/index.ts';
import { postgresStorage } from '../../src/storage/postgres-storage.ts';

const [url, schema, redis, prefix, delay] = process.argv.slice(2);
if (!url || !schema || !redis || !prefix) throw new Error('usage: cluster-server.ts <postgres url> <schema> <redis url> <channel prefix> [jsonDelayMs]');
const server = createServer({
  storage: postgresStorage(url, { schema }),
  fanout: redisFanout({ url: redis, channelPrefix: prefix }),
  fanoutPollMs: 200,
  jsonRepairMs: 500,
  jsonDelayMs: Number(delay ?? 50),
  log: (level, message) => {
    if (level !== 'info') console.error(`[${process.pid}] ${level}: ${message}`);
  },
});
const { port } = await server.listen({ port: 0 });
console.log(`listening ${port}`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
