/**
 * Helpers for the Racer test ports: Racer's listeners get positional
 * arguments and end a test with `done()`; yracer's get `(event, captures)`
 * and emit synchronously, so the ports record what was heard and assert after.
 */
import type { Model, ModelEvent } from '../../../src/index.ts';

/** One event heard, with the pattern's captures. */
export interface Heard {
  /** The event. */
  readonly event: ModelEvent;
  /** What the pattern's `*` and `**` matched. */
  readonly captures: readonly string[];
}

/** Records every event of `type` matching `pattern` (relative to the model's scope). */
export function listen(model: Model, type: 'all' | ModelEvent['type'], pattern?: string): Heard[] {
  const heard: Heard[] = [];
  const record = (event: ModelEvent, captures: readonly string[]): void => {
    heard.push({ event, captures });
  };
  if (pattern === undefined) model.on(type, record);
  else model.on(type, pattern, record);
  return heard;
}

/** Racer's `model.once`: a listener removed after its first call. */
export function once(model: Model, type: 'all' | ModelEvent['type'], pattern: string, listener: (event: ModelEvent) => void): void {
  const wrapped = (event: ModelEvent): void => {
    model.removeListener(wrapped);
    listener(event);
  };
  model.on(type, pattern, wrapped);
}

/** The value-like argument Racer passes first: `value` for change, `values` for insert, `removed` for remove. */
export function payload(event: ModelEvent): unknown {
  switch (event.type) {
    case 'change': return event.value;
    case 'insert': return event.values;
    case 'remove': return event.removed;
    default: return undefined;
  }
}
