/**
 * Run as a child process by redis-fanout.test.ts: uses a Redis fan-out
 * (subscribe, publish to itself with echo, unsubscribe), closes it and
 * returns without process.exit(). The process only exits if close()
 * released every socket and timer. Arguments: Redis URL, channel prefix.
 */
import { redisFanout } from '../../src/fanout/redis-fanout.ts';

const [url = '', channelPrefix = ''] = process.argv.slice(2);
const fanout = redisFanout({ url, channelPrefix, echo: true, log: () => {} });
await new Promise<void>((resolve) => fanout.onStatus((status) => status === 'up' && resolve()));
const received = new Promise<Uint8Array>((resolve) => fanout.subscribe('exit', resolve));
await fanout.settled();
fanout.publish('exit', new Uint8Array([0, 1, 2]));
console.log(`received ${(await received).length} bytes`);
await fanout.close();
console.log('closed');
