/**
 * Types for the parts of ShareDB (no typings of its own) and of
 * @teamwork/websocket-json-stream that the peers bench uses.
 */

declare module 'sharedb' {
  import type { Duplex } from 'node:stream';

  /** ShareDB's server: in-memory database and pub/sub unless given others. */
  export default class Backend {
    constructor(options?: Readonly<Record<string, unknown>>);
    /** Serves one client over a duplex stream of JSON messages. */
    listen(stream: Duplex): unknown;
    close(callback?: (error?: Error) => void): void;
  }
}

declare module 'sharedb/lib/client' {
  /** A json0 operation component. */
  export interface Json0Component {
    readonly p: ReadonlyArray<string | number>;
    readonly oi?: unknown;
    readonly od?: unknown;
  }

  /** One document of a connection. */
  export class Doc {
    readonly id: string;
    /** The snapshot's data (undefined before it is fetched or created). */
    readonly data: Record<string, unknown> | undefined;
    /** The document's type, null when it does not exist. */
    readonly type: unknown;
    subscribe(callback: (error?: Error) => void): void;
    create(data: unknown, callback: (error?: Error) => void): void;
    submitOp(op: readonly Json0Component[], callback?: (error?: Error) => void): void;
    destroy(callback?: (error?: Error) => void): void;
    on(event: 'op', listener: (op: readonly Json0Component[], source: unknown) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  /** A client connection: `new Connection(webSocket)`. */
  export class Connection {
    constructor(socket: unknown);
    get(collection: string, id: string): Doc;
    close(): void;
  }
}

declare module '@teamwork/websocket-json-stream' {
  import { Duplex } from 'node:stream';
  import type { WebSocket } from 'ws';

  /** A `ws` WebSocket as an object-mode duplex stream of JSON values. */
  export default class WebSocketJSONStream extends Duplex {
    constructor(ws: WebSocket);
  }
}
