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

/** Answers one `history` request; never rejects. */
export async function answerHistory(host: HistoryHost, message: HistoryMessage): Promise<void> {
  const { request, doc, checkpoint } = message;
  const refuse = (code: string, text: string): void => host.reportError({ request, doc, code, message: text });
  const key = parseDocName(doc);
  if (!key) return refuse(ErrorCode.BadDocName, `"${doc}" is not collection/docId`);
  if (!host.history) return refuse(ErrorCode.HistoryOff, 'this server keeps no document history (createServer({ history }))');
  let json: string;
  try {
    json =
      checkpoint === 0
        ? JSON.stringify({ checkpoints: await host.history.list(key.collection, key.id, host.session) })
        : JSON.stringify({ value: await host.history.snapshotAt(key.collection, key.id, checkpoint, host.session) });
  } catch (error) {
    if (error instanceof HistoryError) return refuse(error.code, error.message);
    return refuse(ErrorCode.StorageFailed, `reading the history failed: ${String(error)}`);
  }
  if (!host.isClosed()) host.send(historyResultMessage.encode({ request, json }));
}
