/**
 * `answerHistory`: a multiplexed connection's answer to a `history` request
 * (docs/history.md): the document's checkpoints or its value at one, as a
 * `history-result`, checked by the session's read rule; or an `error` with
 * the request id naming what was wrong (nothing else of the connection is
 * affected).
 */
import { parseDocName } from '../protocol/doc-name.ts';
import { ErrorCode } from '../protocol/error-code.ts';
import type { HistoryMessage } from '../protocol/history-message.ts';
import { historyResultMessage } from '../protocol/history-result-message.ts';
import type { DocumentHistory } from './document-history.ts';
import type { ErrorReport } from './error-report.ts';
import { HistoryError } from './history-error.ts';
import type { Session } from './session.ts';

/** What `answerHistory` needs from its connection. */
export interface HistoryHost {
  /** The server's history (null when off). */
  readonly history: DocumentHistory | null;
  readonly session: Session;
  isClosed(): boolean;
  send(frame: Uint8Array): void;
  reportError(report: ErrorReport): void;
}

/**
 * The JSON of a history answer: `{ checkpoints }` for checkpoint 0, else
 * `{ value }` at that checkpoint (what `history-result` carries and the
 * client's `loadHistory` / `loadSnapshot` read). Rejects with a
 * `HistoryError` (`history-off` when `history` is null, `forbidden`,
 * `bad-checkpoint`) or a storage error.
 */
export async function historyAnswer(history: DocumentHistory | null, collection: string, id: string, checkpoint: number, session: Session | undefined): Promise<string> {
  if (!history) throw new HistoryError(ErrorCode.HistoryOff, 'this server keeps no document history (createServer({ history }))');
  return checkpoint === 0
    ? JSON.stringify({ checkpoints: await history.list(collection, id, session) })
    : JSON.stringify({ value: await history.snapshotAt(collection, id, checkpoint, session) });
}

/** Answers one `history` request; never rejects. */
export async function answerHistory(host: HistoryHost, message: HistoryMessage): Promise<void> {
  const { request, doc, checkpoint } = message;
  const refuse = (code: string, text: string): void => host.reportError({ request, doc, code, message: text });
  const key = parseDocName(doc);
  if (!key) return refuse(ErrorCode.BadDocName, `"${doc}" is not collection/docId`);
  let json: string;
  try {
    json = await historyAnswer(host.history, key.collection, key.id, checkpoint, host.session);
  } catch (error) {
    if (error instanceof HistoryError) return refuse(error.code, error.message);
    return refuse(ErrorCode.StorageFailed, `reading the history failed: ${String(error)}`);
  }
  if (!host.isClosed()) host.send(historyResultMessage.encode({ request, json }));
}
