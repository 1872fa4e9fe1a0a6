/**
 * A read-only view of an object that is read only when first looked at: a
 * filter hands one to its function as `items`, so that re-testing one
 * document does not build the snapshot of a whole collection unless the
 * function reads it.
 */

/** An object that forwards every read to `read()`'s result, calling it once, on first use. */
export function lazyView(read: () => unknown): object {
  let value: object | null = null;
  const target = (): object => (value ??= Object(read() ?? {}) as object);
  return new Proxy(Object.create(null) as object, {
    get: (_, key) => Reflect.get(target(), key) as unknown,
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    // Reported configurable: the proxy's own (empty) target does not have the key.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    set: () => false,
    deleteProperty: () => false,
    defineProperty: () => false,
  });
}
