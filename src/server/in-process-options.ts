/**
 * `InProcessOptions`: what an in-process model's sync port
 * (`InProcessSync`) needs from its server.
 */
import type { DocumentHistory } from './document-history.ts';
import type { LiveQueries } from './live-queries.ts';
import type { RoomRegistry } from './room-registry.ts';
import type { ServerLog } from './server-log.ts';
import type { SessionGuard } from './in-process-writes.ts';

/** What an in-process model needs from its server. */
export interface InProcessOptions {
  readonly registry: RoomRegistry;
  readonly queries: LiveQueries;
  readonly log: ServerLog;
  /** How long a released document stays in the model, in ms. */
  readonly unloadDelayMs: number;
  /** Called once when the model closes. */
  readonly onClose?: () => void;
  /** The session the model acts for, checked by the server's rules and schema (none: trusted). */
  readonly guard?: SessionGuard;
  /** Subscribing loads the document once without joining its room (holdings still list it as subscribed). */
  readonly fetchOnly?: boolean;
  /** With a session: most live queries the model may hold at once (the server's `maxQueries`); no limit when absent. */
  readonly maxQueries?: number;
  /** The server's document history (null or absent when off): `loadHistory` / `loadSnapshot` ask it directly. */
  readonly history?: DocumentHistory | null;
}
