/**
 * `closeOnSignals`: closes a server when the process gets SIGINT or
 * SIGTERM, then exits (0 once closed, 1 when closing failed).
 */
import type { ServerLog } from './server-log.ts';

/**
 * Calls `close` on the first SIGINT or SIGTERM, logs it, then calls `exit`
 * with 0 once closed (1, logged, when closing rejects).
 *
 * @example
 * closeOnSignals(() => server.close(), log, (code) => process.exit(code));
 */
export function closeOnSignals(close: () => Promise<void>, log: ServerLog, exit: (code: number) => void): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    log('info', `${signal}: closing`);
    close().then(
      () => exit(0),
      (error: unknown) => {
        log('error', `closing failed (${String(error)})`);
        exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
