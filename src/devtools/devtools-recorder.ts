/**
 * `DevtoolsRecorder`: what devtools remember about a model over time, which
 * a snapshot (`inspectModel`) cannot tell: each document's last change, the
 * recent frames in and out, reconnects, and which hooks rendered after the
 * last change. Bounded: it keeps the last `maxFrames` frames.
 */
import type { Model } from '../model/model.ts';
import type { ModelEvent } from '../model/events/model-event.ts';
import { MessageKind } from '../protocol/message-kind.ts';
import type { FrameRecord } from '../model/documents/sync-port.ts';
import { observeRenders, type RenderNote } from '../react/render-log.ts';

/** A document's last change as devtools show it. */
export interface LastChange {
  readonly at: number;
  readonly type: ModelEvent['type'];
  /** The path written. */
  readonly path: string;
  /** True when another client made it. */
  readonly remote: boolean;
}

/** A frame with its message kind's name. */
export interface RecordedFrame extends FrameRecord {
  /** The protocol message kind's name (`Doc`, `Ack`, `QueryDiff`, ...), or `kind N` for one this version does not know. */
  readonly name: string;
}

/** A hook's render count. */
export interface RenderCount extends RenderNote {
  readonly count: number;
}

/** Options of `DevtoolsRecorder`. */
export interface DevtoolsRecorderOptions {
  /** How many recent frames to keep (default 200). */
  readonly maxFrames?: number;
}

const KIND_NAMES = new Map<number, string>(Object.entries(MessageKind).map(([name, kind]) => [kind, name]));

/** Records a model's activity for devtools (see the file's comment); `stop()` detaches it. */
export class DevtoolsRecorder {
  readonly model: Model;
  readonly #maxFrames: number;
  readonly #changes = new Map<string, LastChange>();
  readonly #frames: RecordedFrame[] = [];
  #renders = new Map<string, RenderCount>();
  #changeSinceRender = false;
  #reconnects = 0;
  #everOnline = false;
  #lastState: string;
  #version = 0;
  #scheduled = false;
  readonly #listeners = new Set<() => void>();
  readonly #stops: Array<() => void> = [];

  constructor(model: Model, options: DevtoolsRecorderOptions = {}) {
    this.model = model;
    this.#maxFrames = options.maxFrames ?? 200;
    const onEvent = (event: ModelEvent): void => this.#onEvent(event);
    model.on('all', '**', onEvent);
    this.#stops.push(() => void model.removeListener(onEvent));
    const stopFrames = model.store.sync?.observeFrames?.((frame) => this.#onFrame(frame));
    if (stopFrames) this.#stops.push(stopFrames);
    this.#lastState = model.connection.state;
    this.#everOnline = this.#lastState === 'online';
    this.#stops.push(model.connection.watch(() => this.#onConnection()));
    this.#stops.push(observeRenders((note) => this.#onRender(note)));
  }

  /** A number that changes whenever something recorded changed (for `useSyncExternalStore`). */
  get version(): number {
    return this.#version;
  }

  /** How many times the connection came back online after it was online. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** The last change of a document (`collection.id`), if one happened since recording started. */
  lastChange(path: string): LastChange | undefined {
    return this.#changes.get(path);
  }

  /** The recent frames, oldest first. */
  frames(): readonly RecordedFrame[] {
    return this.#frames;
  }

  /** The hooks that rendered since the last change, most renders first. */
  renders(): readonly RenderCount[] {
    return [...this.#renders.values()].sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  }

  /** Calls `listener` (at most once per microtask) after something recorded changed; returns a function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Detaches from the model. */
  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
    this.#listeners.clear();
  }

  #onEvent(event: ModelEvent): void {
    const [collection, id] = event.path.split('.');
    if (collection === undefined || id === undefined) return;
    this.#changes.set(`${collection}.${id}`, { at: Date.now(), type: event.type, path: event.path, remote: event.remote });
    this.#changeSinceRender = true;
    this.#changed();
  }

  #onFrame(frame: FrameRecord): void {
    this.#frames.push({ ...frame, name: KIND_NAMES.get(frame.kind) ?? `kind ${frame.kind}` });
    if (this.#frames.length > this.#maxFrames) this.#frames.splice(0, this.#frames.length - this.#maxFrames);
    this.#changed();
  }

  #onConnection(): void {
    const state = this.model.connection.state;
    if (state === 'online' && this.#lastState !== 'online' && this.#everOnline) this.#reconnects += 1;
    if (state === 'online') this.#everOnline = true;
    this.#lastState = state;
    this.#changed();
  }

  #onRender(note: RenderNote): void {
    // The first render after a change starts a new count: the panel shows what the last change re-rendered.
    if (this.#changeSinceRender) {
      this.#renders = new Map();
      this.#changeSinceRender = false;
    }
    const key = `${note.hook} ${note.key}`;
    this.#renders.set(key, { ...note, count: (this.#renders.get(key)?.count ?? 0) + 1 });
    this.#changed();
  }

  // Renders are reported while React renders: listeners (the panel's state) must not update then.
  #changed(): void {
    this.#version += 1;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      for (const listener of this.#listeners) listener();
    });
  }
}
