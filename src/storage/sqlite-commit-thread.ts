/**
 * `threadCommitter(file, synchronous)`: commits `sqliteStorage`'s group
 * commits in a worker thread (`sqlite-commit-worker.ts`) on a connection of
 * its own, so the flush to disk of a durable commit (`synchronous = FULL`,
 * a fraction of a millisecond to several) never blocks the event loop: the
 * server keeps serving sockets while a commit waits for the disk, and
 * acknowledges writes once the thread reports the commit done.
 *
 * One thread serves every such storage of the process; it is started with
 * the first and keeps the process alive only while a request is in flight.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CommitReply, CommitRequest } from './sqlite-commit-messages.ts';
import type { DocumentWrite, WriteOutcome } from './sqlite-writes.ts';

/** Commits batches of writes for one database (see `threadCommitter`). */
export interface Committer {
  /** Commits the batch as one transaction; resolves after the commit with each write's outcome, rejects when the transaction failed (nothing of it stored). */
  commit(batch: readonly DocumentWrite[]): Promise<readonly WriteOutcome[]> | readonly WriteOutcome[];
  /** Closes the committer's connection (after the commits asked for before). */
  close(): Promise<void>;
}

/** A commit that failed in the thread: the SQLite error's message and code. */
class CommitError extends Error {
  override readonly name = 'SqliteError';
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

interface Waiter {
  readonly resolve: (reply: CommitReply) => void;
  readonly reject: (error: Error) => void;
}

/** The worker file next to this one: TypeScript sources (tests) are loaded through tsx, the built JavaScript directly. */
function startWorker(): Worker {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(`./sqlite-commit-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(url);
  // tsx's ESM API (its package's `tsx/esm/api` export for `import`) registers its loader in the thread.
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(code, { eval: true });
}

/** The worker, the requests of each database waiting for their replies (in order), and how many are in flight. */
class CommitThread {
  private readonly worker = startWorker();
  private readonly waiting = new Map<number, Waiter[]>();
  private inFlight = 0;
  private failure: Error | null = null;
  private handles = 0;

  constructor() {
    this.worker.unref();
    this.worker.on('message', (reply: CommitReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(new Error(`yracer sqliteStorage: the commit thread failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`yracer sqliteStorage: the commit thread exited (code ${code})`)));
  }

  /** A handle for a new database. */
  newHandle(): number {
    return ++this.handles;
  }

  /** Sends a request (transferring `transfer`'s buffers) and resolves with its reply. */
  request(request: CommitRequest, transfer: ArrayBuffer[] = []): Promise<CommitReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<CommitReply>((resolve, reject) => {
      let queue = this.waiting.get(request.handle);
      if (!queue) this.waiting.set(request.handle, (queue = []));
      queue.push({ resolve, reject });
      if (this.inFlight++ === 0) this.worker.ref();
      this.worker.postMessage(request, transfer);
    });
  }

  private settle(reply: CommitReply): void {
    const queue = this.waiting.get(reply.handle);
    const waiter = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(reply.handle);
    if (--this.inFlight === 0) this.worker.unref();
    waiter?.resolve(reply);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    if (thread === this) thread = null;
    const queues = [...this.waiting.values()];
    this.waiting.clear();
    for (const queue of queues) for (const waiter of queue) waiter.reject(error);
  }
}

let thread: CommitThread | null = null;

const failed = (reply: CommitReply): Error | null => (reply.op === 'failed' ? new CommitError(reply.error.message, reply.error.code) : null);

/** The buffers of a batch's updates and states, to transfer instead of copy (the storage made them for this batch). */
const buffersOf = (batch: readonly DocumentWrite[]): ArrayBuffer[] => {
  const buffers: ArrayBuffer[] = [];
  for (const write of batch) {
    if (write.kind === 'append') for (const update of write.updates) buffers.push(update.buffer as ArrayBuffer);
    else if (write.kind === 'compact') buffers.push(write.state.buffer as ArrayBuffer);
  }
  return buffers;
};

/**
 * Opens `file` (created and migrated already) on the process's commit
 * thread. Each write's buffers must be its own (`new Uint8Array(update)`):
 * they are transferred to the thread.
 */
export function threadCommitter(file: string, synchronous: 'FULL' | 'NORMAL'): Committer {
  const commitThread = (thread ??= new CommitThread());
  const handle = commitThread.newHandle();
  void commitThread.request({ op: 'open', handle, file, synchronous }).catch(() => undefined); // a failed open fails the first commit, which says why
  return {
    async commit(batch) {
      const reply = await commitThread.request({ op: 'commit', handle, batch }, buffersOf(batch));
      const error = failed(reply);
      if (error) throw error;
      return reply.op === 'committed' ? reply.outcomes : [];
    },
    async close() {
      const error = failed(await commitThread.request({ op: 'close', handle }));
      if (error) throw error;
    },
  };
}
