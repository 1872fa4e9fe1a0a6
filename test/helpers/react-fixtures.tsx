/**
 * Fixtures for the React hook tests (jsdom): rendering under a provider
 * (optionally in StrictMode), render counters, value recorders, servers whose
 * storage loads and appends can be held back (to observe Suspense, loading
 * windows and pending writes), seeding storage, and clean-up of what a test
 * rendered and opened.
 */
import { act, cleanup, render, type RenderResult } from '@testing-library/react';
import { StrictMode, type ReactElement, type ReactNode } from 'react';
import { afterEach } from 'vitest';
import type { Model } from '../../src/index.ts';
import { SyncProvider } from '../../src/react/index.ts';
import type { ServerOptions, Storage, StorageKey } from '../../src/server/index.ts';
import { fieldsUpdate, recordingStorage, type RecordingStorage } from './server-fixtures.ts';
import { Gate, Opened } from './client-fixtures.ts';
import type { TestServer } from './sync-fixtures.ts';

/** What a React test opened: unmounts every rendered tree, then closes models and servers, after each test. */
export function reactScope(): Opened {
  const opened = new Opened();
  afterEach(async () => {
    cleanup();
    await opened.closeAll();
  });
  return opened;
}

/** `ui` under a `SyncProvider` of `model`, in `<StrictMode>` when asked. */
export function provided(model: Model, ui: ReactNode, strict = false): ReactElement {
  const tree = <SyncProvider model={model}>{ui}</SyncProvider>;
  return strict ? <StrictMode>{tree}</StrictMode> : tree;
}

/** Renders `ui` under a `SyncProvider` of `model`; `rerenderWith(ui)` renders new children under the same provider. */
export function renderWith(model: Model, ui: ReactNode, strict = false): RenderResult & { rerenderWith(next: ReactNode): void } {
  const result = render(provided(model, ui, strict));
  return Object.assign(result, { rerenderWith: (next: ReactNode) => result.rerender(provided(model, next, strict)) });
}

/**
 * `renderWith` inside an awaited `act`: needed when a component suspends,
 * since React 19 retries a suspended render only in an awaited act scope.
 */
export async function renderSuspending(model: Model, ui: ReactNode, strict = false): Promise<ReturnType<typeof renderWith>> {
  let result: ReturnType<typeof renderWith> | undefined;
  await act(async () => {
    result = renderWith(model, ui, strict);
  });
  return result as ReturnType<typeof renderWith>;
}

/** Counts renders per key (a component calls `hit` while rendering). */
export class RenderCounts {
  readonly #counts = new Map<string, number>();

  hit(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  of(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Every key rendered since the last reset, with its count. */
  rendered(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  reset(): void {
    this.#counts.clear();
  }
}

/** Records what a component rendered, in order. */
export class Recorder<T> {
  readonly values: T[] = [];

  record(value: T): T {
    this.values.push(value);
    return value;
  }

  get last(): T | undefined {
    return this.values[this.values.length - 1];
  }
}


/** Appends documents (`collection.id` -> fields) to a storage, as if a client had written them. */
export async function seed(storage: Storage, docs: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<void> {
  for (const [path, fields] of Object.entries(docs)) {
    await storage.append(keyOf(path), [fieldsUpdate({ ...fields })]);
    await storage.saveJson(keyOf(path), JSON.stringify(fields));
  }
}

/** A server started by `opened`, with its storage's gates for loads and appends. */
export interface GatedServer extends TestServer {
  readonly storage: RecordingStorage;
  /** Holds back loading documents from storage (the server's answer to a first subscribe). */
  readonly loads: Gate;
  /** Holds back storing writes (so the writer's acknowledgement waits). */
  readonly appends: Gate;
}

/** A server (closed by `opened`) with seeded documents (`collection.id` -> fields) whose storage calls can be held back. */
export async function gatedServer(
  opened: Opened,
  docs: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
  options: Partial<ServerOptions> = {},
): Promise<GatedServer> {
  const loads = new Gate();
  const appends = new Gate();
  const storage = recordingStorage(undefined, { beforeLoad: loads.pass, beforeAppend: appends.pass });
  await seed(storage, docs);
  const server = await opened.serve({ ...options, storage });
  // A held call blocks the server's close: open the gates first (closers run newest first).
  opened.defer(() => {
    loads.release();
    appends.release();
  });
  return { ...server, storage, loads, appends };
}

/** The storage key of `collection.id`. */
function keyOf(path: string): StorageKey {
  const dot = path.indexOf('.');
  return { collection: path.slice(0, dot), id: path.slice(dot + 1) };
}
