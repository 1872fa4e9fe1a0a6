/** What the bench pages share: the item ids and fields, small async helpers, the reconnect pages' interface. */
/** The item ids both cold-start variants use: i0000, i0001, ... */
export function itemIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `i${String(i).padStart(4, '0')}`);
}

/** The fields of item `i` (the same in both variants). */
export function itemFields(i: number): { title: string; done: boolean; n: number } {
  return { title: `Item ${i}`, done: i % 3 === 0, n: i };
}

/** Resolves in a new task (a MessageChannel message: no setTimeout clamping). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Reports a page's failure to the bench (it polls `window.__error`). */
export function reportErrors(run: () => Promise<void>): void {
  run().catch((error: unknown) => {
    (globalThis as { __error?: string }).__error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  });
}

/** Resolves once `test()` is true (checked every 10 ms); rejects after `ms`. */
export function until(test: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const check = (): void => {
      if (test()) return resolve();
      if (performance.now() - started > ms) return reject(new Error(`timed out after ${ms} ms: ${what}`));
      setTimeout(check, 10);
    };
    check();
  });
}

/** What a reconnect page exposes as `window.bench` for offline.bench.ts. */
export interface ReconnectPage {
  /** `online` while connected and synced, else anything else. */
  state(): string;
  /** Makes edits k0 = 0 ... k<n-1> = n-1, one per task; resolves (ms taken) once they are stored locally. */
  edit(n: number): Promise<number>;
  /** Resolves once the server acknowledged every local edit (yracer's `whenNothingPending`); null where there is no such thing. */
  nothingPending(): Promise<void> | null;
  /** Wall-clock times (performance.timeOrigin + now) of the page's reconnect steps, where it records them. */
  marks?(): Record<string, number>;
  /** How many k<i> = i the local copy holds. */
  count(n: number): number;
}

export function exposeReconnectPage(page: ReconnectPage): void {
  (globalThis as { bench?: ReconnectPage }).bench = page;
}
