/**
 * A TCP proxy for outage tests: connections through it reach the target
 * until `cut()`, which drops them all and refuses new ones (each new
 * connection is closed at once) until `restore()`.
 */
import net from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Connections it accepted so far (not counting those it refused). */
  readonly accepted: number;
  /** Resolves once `count` connections were attempted in all (accepted or refused). */
  attempts(count: number): Promise<void>;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Starts a proxy to `host:port`. */
export async function tcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  let accepted = 0;
  let attempts = 0;
  let waiters: { readonly count: number; readonly resolve: () => void }[] = [];
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = net.createServer((client) => {
    track(client);
    attempts++;
    waiters = waiters.filter((waiter) => (attempts >= waiter.count ? (waiter.resolve(), false) : true));
    if (refusing) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = net.connect(port, host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('tcpProxy: no port');
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    attempts(count) {
      if (attempts >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    cut() {
      refusing = true;
      dropAll();
    },
    restore() {
      refusing = false;
    },
    close() {
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
