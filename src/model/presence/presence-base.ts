/**
 * What every `Presence` shares: checking states, my state, the list of
 * others (stable identities while unchanged), listeners, and knowing when the
 * presence is in use. A transport (the sync client's awareness channel, an
 * in-process room) extends `PresenceBase`; `LocalPresence` is the one of a
 * model without a server.
 */
import { findJsonProblem, jsonEqual } from '../paths/json-value.ts';
import { modelError } from '../model-error.ts';
import type { Presence, PresencePeer, PresenceState, PresenceUpdate } from './presence.ts';

/** The longest presence state, in characters of JSON. */
export const MAX_PRESENCE_STATE_LENGTH = 64 * 1024;

const NO_PEERS: readonly PresencePeer[] = Object.freeze([]);

interface Registration {
  readonly listener: () => void;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === undefined || value === null) return String(value);
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name ? `a ${name} instance` : 'an object with a custom prototype';
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * `next`, with every part that equals the same part of `previous` replaced by
 * that part: unchanged subtrees keep their identity (for selectors compared
 * shallowly, and `React.memo`).
 */
function shareUnchanged(previous: unknown, next: unknown): unknown {
  if (jsonEqual(previous, next)) return previous;
  if (Array.isArray(previous) && Array.isArray(next)) return next.map((value: unknown, i) => shareUnchanged(previous[i], value));
  if (isPlainObject(previous) && isPlainObject(next)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(next)) out[key] = shareUnchanged(previous[key], value);
    return out;
  }
  return next;
}

/**
 * Checks a state given to `set` or `update` and returns a frozen plain-JSON
 * copy (keys whose value is `undefined` left out), or null. Throws a
 * `TypeError` (not a JSON object) or `RangeError` (too long) naming the problem.
 */
export function presenceState(method: string, path: string, state: unknown): PresenceState | null {
  if (state === null) return null;
  const where = `presence.${method}`;
  if (!isPlainObject(state)) {
    throw modelError('type', where, path, `the state must be a plain JSON object (or null to leave), not ${describe(state)}`);
  }
  const problem = findJsonProblem(state);
  if (problem) throw modelError('type', where, path, `the state${problem.at ? `.${problem.at}` : ''} is not JSON: ${problem.reason}`);
  const json = JSON.stringify(state);
  if (json.length > MAX_PRESENCE_STATE_LENGTH) {
    throw modelError('range', where, path, `the state is ${json.length} characters of JSON, more than the ${MAX_PRESENCE_STATE_LENGTH} allowed`);
  }
  return deepFreeze(JSON.parse(json) as PresenceState);
}

/** The shared part of every presence; subclasses carry the states to and from the other clients. */
export abstract class PresenceBase implements Presence {
  readonly path: string;
  abstract readonly clientId: number;
  #me: PresenceState | null = null;
  #others: readonly PresencePeer[] = NO_PEERS;
  readonly #listeners = new Set<Registration>();
  readonly #modelClosed: () => boolean;
  #closed = false;

  /** `modelClosed` tells whether the model was closed (then the presence refuses changes). */
  constructor(path: string, modelClosed: () => boolean = () => false) {
    this.path = path;
    this.#modelClosed = modelClosed;
  }

  get me(): PresenceState | null {
    return this.#me;
  }

  /** True while the presence is in use: my state is set or a listener subscribes (and it is not closed). */
  protected get active(): boolean {
    return !this.#closed && (this.#me !== null || this.#listeners.size > 0);
  }

  /** True once the presence or its model was closed. */
  protected get closed(): boolean {
    return this.#closed || this.#modelClosed();
  }

  set(state: PresenceState | null): void {
    this.#apply('set', presenceState('set', this.path, state));
  }

  update(partial: PresenceUpdate<PresenceState>): void {
    if (!isPlainObject(partial)) {
      throw modelError('type', 'presence.update', this.path, `the update must be a plain object, not ${describe(partial)}`);
    }
    this.#apply('update', presenceState('update', this.path, { ...this.#me, ...partial }));
  }

  #apply(method: string, next: PresenceState | null): void {
    if (this.closed) {
      if (next === null) return; // leaving after the model closed: already gone
      throw modelError('error', `presence.${method}`, this.path, 'the model is closed');
    }
    if (jsonEqual(this.#me, next)) return;
    const wasActive = this.active;
    this.#me = deepFreeze(shareUnchanged(this.#me, next) as PresenceState | null);
    if (!wasActive && this.active) this.activate();
    this.publish(this.#me);
    if (wasActive && !this.active) this.deactivate();
    this.#notify();
  }

  others(): readonly PresencePeer[] {
    return this.#others;
  }

  subscribe(listener: () => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`yracer presence.subscribe('${this.path}'): the listener must be a function`);
    if (this.closed) return () => undefined;
    const registration: Registration = { listener };
    const wasActive = this.active;
    this.#listeners.add(registration);
    if (!wasActive) this.activate();
    return () => {
      if (!this.#listeners.delete(registration)) return;
      if (!this.#closed && !this.active) this.deactivate();
    };
  }

  /**
   * The other clients' states changed: `states` are everyone's current ones
   * (my own client id and states that are not JSON objects are skipped).
   * Unchanged peers keep their objects, and a changed state shares its
   * unchanged parts with the previous one; listeners hear of a real change only.
   */
  protected peersChanged(states: Iterable<readonly [number, unknown]>): void {
    const previous = new Map(this.#others.map((peer) => [peer.clientId, peer]));
    const next: PresencePeer[] = [];
    for (const [clientId, state] of states) {
      if (clientId === this.clientId || !isPlainObject(state)) continue;
      const known = previous.get(clientId);
      if (known && jsonEqual(known.state, state)) next.push(known);
      else next.push(Object.freeze({ clientId, state: deepFreeze(shareUnchanged(known?.state, state) as PresenceState) }));
    }
    const current = this.#others;
    if (next.length === current.length && next.every((peer, i) => peer === current[i])) return;
    this.#others = next.length === 0 ? NO_PEERS : Object.freeze(next);
    this.#notify();
  }

  #notify(): void {
    for (const registration of [...this.#listeners]) {
      if (!this.#listeners.has(registration)) continue;
      try {
        registration.listener();
      } catch (error) {
        // A listener's error must not stop the others, nor the connection that delivered the change.
        console.error(`yracer: a presence listener of ${this.path} threw`, error);
      }
    }
  }

  /** The presence came into use: start hearing the others (hold the document). */
  /** Takes the hold on the document again while in use (after the model released everything). */
  rehold(): void {
    if (this.active) this.activate();
  }

  protected abstract activate(): void;
  /** The presence is no longer in use: stop hearing the others (release the document). */
  protected abstract deactivate(): void;
  /** Tells the others my new state (null: I left). */
  protected abstract publish(state: PresenceState | null): void;

  /** @internal Ends the presence for good (its model closed): drops listeners and others. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#others = NO_PEERS;
  }
}

/** The presence of a model without a server (or of a local document): `others()` is always empty. */
export class LocalPresence extends PresenceBase {
  readonly clientId = Math.floor(Math.random() * 0x1_0000_0000);

  protected activate(): void {}

  protected deactivate(): void {}

  protected publish(): void {}
}
