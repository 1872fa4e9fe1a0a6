/**
 * `ErrorReport`: what a multiplexed connection tells its client about a
 * request or message it refused, and the `error` frame that carries it
 * (docs/protocol.md).
 */
import { errorMessage } from '../protocol/error-message.ts';

/** A refusal, about a request (`request`), a doc message (`seq`) or a document (`doc`). */
export interface ErrorReport {
  readonly seq?: number;
  readonly request?: number;
  readonly doc?: string;
  readonly code: string;
  readonly message: string;
}

/** The `error` frame of a report (its message cut to 2000 characters). */
export function errorReportFrame(report: ErrorReport): Uint8Array {
  return errorMessage.encode({
    seq: report.seq ?? 0,
    request: report.request ?? 0,
    doc: report.doc ?? '',
    code: report.code,
    message: report.message.length > 2000 ? `${report.message.slice(0, 1997)}...` : report.message,
  });
}
