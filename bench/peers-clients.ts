/**
 * Clients of the peers bench's other systems, as `Peer`s (sync-peers.ts
 * has yracer's and the y-websocket relay's), each holding a document whose
 * field `n` is written and read:
 *
 * - Hocuspocus: a `HocuspocusProvider` on the document `todos/<id>` over a
 *   `HocuspocusProviderWebsocket` (`ws` as its WebSocket); a write is
 *   `ydoc.getMap('data').set('n', v)`, a reader observes that map. Its
 *   acknowledgement is the server's SyncStatus message (the provider's
 *   `unsyncedChanges` back to 0): the server applied the update in memory;
 *   storing it comes later (debounced), unacknowledged.
 * - ShareDB: a `Connection` over a `ws` WebSocket, the document
 *   `todos/<id>` (json0, created as `{ n: -1 }` by whichever client gets
 *   there first); a write is the op `[{ p: ['n'], oi: v }]`, acknowledged
 *   by `submitOp`'s callback (committed to the server's database, here its
 *   in-memory one); a reader listens to the document's `op` events.
 *
 * The `*Session` functions open many documents over one connection (both
 * systems multiplex), for the memory case.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { Connection, type Doc } from 'sharedb/lib/client';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { within } from './bench-child.ts';
import type { Peer, PeerFactory } from './sync-peers.ts';

/** Several documents over one client connection. */
export interface Session {
  /** Opens a document (its `Peer.close` leaves the connection open). */
  open(docId: string): Promise<Peer>;
  /** Closes the connection and every document. */
  close(): void;
}

/** A peer whose `close` closes the session it was opened in (and so the peer). */
async function alone(session: Session, docId: string): Promise<Peer> {
  try {
    return { ...(await session.open(docId)), close: () => session.close() };
  } catch (error) {
    session.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Hocuspocus

/** A Hocuspocus document on a shared provider socket. */
async function hocuspocusDoc(socket: HocuspocusProviderWebsocket, docId: string): Promise<Peer> {
  const ydoc = new Y.Doc();
  const provider = new HocuspocusProvider({ websocketProvider: socket, name: `todos/${docId}`, document: ydoc });
  provider.attach();
  const close = (): void => {
    provider.destroy();
    ydoc.destroy();
  };
  try {
    await within(
      new Promise<void>((resolve) => {
        if (provider.isSynced) resolve();
        else provider.on('synced', () => resolve());
      }),
      10_000,
      `Hocuspocus sync of todos/${docId}`,
    );
  } catch (error) {
    close();
    throw error;
  }
  const map = ydoc.getMap<number>('data');
  // Callbacks waiting for the server to have applied every change so far.
  let waiting: Array<(error?: Error) => void> = [];
  provider.on('unsyncedChanges', ({ number }: { number: number }) => {
    if (number > 0 || waiting.length === 0) return;
    const callbacks = waiting;
    waiting = [];
    for (const callback of callbacks) callback();
  });
  return {
    write: (value) => {
      map.set('n', value);
    },
    writeAcked: (value, callback) => {
      map.set('n', value);
      if (provider.unsyncedChanges === 0) callback();
      else waiting.push(callback);
    },
    listen: (listener) => {
      map.observe((event) => {
        if (event.keysChanged.has('n')) listener(map.get('n') as number);
      });
    },
    value: () => map.get('n'),
    close,
  };
}

/** One Hocuspocus provider socket; documents are attached to it (and destroyed with it: each provider's awareness has an interval). */
export function hocuspocusSession(url: string): Session {
  const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket });
  const docs: Peer[] = [];
  return {
    open: async (docId) => {
      const doc = await hocuspocusDoc(socket, docId);
      docs.push(doc);
      return doc;
    },
    close: () => {
      for (const doc of docs.splice(0)) doc.close();
      socket.destroy();
    },
  };
}

/** A Hocuspocus client on `todos/<docId>`, with a socket of its own. */
export const hocuspocusPeer: PeerFactory = (url, docId) => alone(hocuspocusSession(url), docId);

// ---------------------------------------------------------------------------
// ShareDB

/**
 * Per server and document, the first client's subscribe-and-create: the
 * others subscribe once it is done, so no two clients race to create a
 * document (a refused create rolls the loser's document back).
 */
const creations = new Map<string, Promise<void>>();

/** Subscribes to `doc`; with `create`, creates it (as `{ n: -1 }`) unless it exists. */
function subscribe(doc: Doc, create: boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    doc.subscribe((error) => {
      if (error) return reject(error);
      if (doc.type) return resolve();
      if (!create) return reject(new Error(`ShareDB: todos/${doc.id} does not exist`));
      doc.create({ n: -1 }, (createError) => (createError ? reject(createError) : resolve()));
    });
  });
}

/** `todos/<docId>` on a connection to `url`, created by the first client to ask. */
async function sharedbDoc(connection: Connection, url: string, docId: string): Promise<Peer> {
  const doc: Doc = connection.get('todos', docId);
  const close = (): void => doc.destroy();
  const key = `${url} ${docId}`;
  try {
    const created = creations.get(key);
    if (created) {
      await within(created, 10_000, `ShareDB creation of todos/${docId}`);
      await within(subscribe(doc, false), 10_000, `ShareDB subscribe to todos/${docId}`);
    } else {
      const creation = subscribe(doc, true);
      creations.set(key, creation);
      await within(creation, 10_000, `ShareDB subscribe to and create todos/${docId}`);
    }
  } catch (error) {
    close();
    throw error;
  }
  return {
    write: (value) => doc.submitOp([{ p: ['n'], oi: value }]),
    writeAcked: (value, callback) => doc.submitOp([{ p: ['n'], oi: value }], callback),
    listen: (listener) => {
      doc.on('op', () => listener(doc.data?.['n'] as number));
    },
    value: () => doc.data?.['n'] as number | undefined,
    close,
  };
}

/** One ShareDB connection; documents are subscribed on it. */
export function sharedbSession(url: string): Session {
  const connection = new Connection(new WebSocket(url));
  return { open: (docId) => sharedbDoc(connection, url, docId), close: () => connection.close() };
}

/** A ShareDB client on `todos/<docId>`, with a connection of its own. */
export const sharedbPeer: PeerFactory = (url, docId) => alone(sharedbSession(url), docId);
