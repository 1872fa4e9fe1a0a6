/**
 * A round-robin TCP proxy for tests: each incoming connection goes to the
 * next backend that accepts it (a dead backend is skipped), as a load
 * balancer in front of several server processes would; with one backend,
 * a proxy whose connections an outage test cuts (`setDown`).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  readonly port: number;
  /** `ws://127.0.0.1:<port>/` */
  readonly url: string;
  /** Connections handed to each backend so far (by its port). */
  readonly handed: Map<number, number>;
  /** Resolves once `count` connections were attempted in all (handed on or refused). */
  attempts(count: number): Promise<void>;
  /** Simulates an outage: closes every connection and refuses new ones while `down`. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

/** Connects to one backend; resolves null when it refuses. */
function dial(host: string, port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(null));
  });
}

/** Starts a proxy in front of the backends' ports on `host` (read again for each connection, so a test may change the list). */
export async function startTcpProxy(backends: () => readonly number[], host = '127.0.0.1'): Promise<TcpProxy> {
  let next = 0;
  const open = new Set<Socket>();
  const handed = new Map<number, number>();
  let down = false;
  let attempted = 0;
  let waiters: Array<{ readonly count: number; readonly resolve: () => void }> = [];
  const server: Server = createServer((incoming) => {
    attempted += 1;
    waiters = waiters.filter((waiter) => (attempted >= waiter.count ? (waiter.resolve(), false) : true));
    if (down) {
      incoming.destroy();
      return;
    }
    open.add(incoming);
    incoming.on('close', () => open.delete(incoming));
    incoming.on('error', () => incoming.destroy());
    incoming.pause();
    void (async () => {
      const ports = backends();
      for (let tried = 0; tried < ports.length; tried++) {
        const port = ports[next++ % ports.length] as number;
        const outgoing = await dial(host, port);
        if (!outgoing) continue;
        if (incoming.destroyed) {
          outgoing.destroy();
          return;
        }
        handed.set(port, (handed.get(port) ?? 0) + 1);
        open.add(outgoing);
        outgoing.on('close', () => {
          open.delete(outgoing);
          incoming.destroy();
        });
        outgoing.on('error', () => outgoing.destroy());
        incoming.on('close', () => outgoing.destroy());
        incoming.pipe(outgoing);
        outgoing.pipe(incoming);
        incoming.resume();
        return;
      }
      incoming.destroy();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `ws://127.0.0.1:${port}/`,
    handed,
    attempts(count) {
      if (attempted >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    setDown(value) {
      down = value;
      if (down) for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
