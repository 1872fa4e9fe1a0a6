/**
 * The parts one sync client is made of, as handed to the collaborators that
 * react to the server and the socket (`ClientInbox`, `ConnectionEvents`):
 * its model, the bookkeeping of holds, queries, history requests, pending
 * writes, resets and presences, the write sender and the offline cache.
 */
import type { Model } from '../model/model.ts';
import type { AttachedDocs } from './attached-docs.ts';
import type { ClientConnectionStatus } from './client-connection-status.ts';
import type { ClientHistory } from './client-history.ts';
import type { ClientPresences } from './client-presence.ts';
import type { ClientQueries } from './client-queries.ts';
import type { DocumentHolds } from './document-holds.ts';
import type { DocumentResets } from './document-resets.ts';
import type { OfflineCache } from './offline-cache.ts';
import type { PendingWrites } from './pending-writes.ts';
import type { WriteSender } from './write-sender.ts';

/** The parts of one sync client (see sync-client.ts). */
export interface ClientParts {
  readonly model: Model;
  readonly docs: AttachedDocs;
  readonly status: ClientConnectionStatus;
  readonly holds: DocumentHolds;
  readonly queries: ClientQueries;
  readonly history: ClientHistory;
  readonly writer: WriteSender;
  readonly pending: PendingWrites;
  readonly resets: DocumentResets;
  readonly presences: ClientPresences;
  readonly offline: OfflineCache | null;
  /** Records a local update as pending and sends it. */
  sendTracked(name: string, update: Uint8Array): void;
  /** True once the client is closed. */
  closed(): boolean;
}
