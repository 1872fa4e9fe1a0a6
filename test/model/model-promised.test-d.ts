/**
 * Type tests: Racer's `*Promised` names take the arguments of their method
 * without the callback and return a promise (`addPromised` of the id); the
 * typed model checks their paths and values like the plain methods.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createModel, type ModelBundle, type Query } from '../../src/index.ts';

export const schema = { todos: z.object({ title: z.string(), count: z.number(), tags: z.array(z.string()) }) };

describe('*Promised (untyped model)', () => {
  const model = createModel();
  it('returns promises of void, of the id for addPromised, of the bundle for bundlePromised', () => {
    expectTypeOf(model.setPromised('todos.a.title', 'x')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(model.at('todos.a.title').setPromised('x')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(model.addPromised('todos', { title: 'x' })).toEqualTypeOf<Promise<string>>();
    expectTypeOf(model.at('_page.colors').addPromised({ name: 'red' })).toEqualTypeOf<Promise<string>>();
    expectTypeOf(model.insertPromised('todos.a.tags', 0, 'a', 'b')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(model.movePromised('todos.a.tags', 0, 1, 2)).toEqualTypeOf<Promise<void>>();
    expectTypeOf(model.delPromised()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(model.subscribePromised('todos.a', ['todos.b'])).toEqualTypeOf<Promise<void>>();
    expectTypeOf(model.bundlePromised()).toEqualTypeOf<Promise<ModelBundle>>();
    expectTypeOf(model.closePromised()).toEqualTypeOf<Promise<void>>();
    expectTypeOf<Query['fetchPromised']>().toEqualTypeOf<() => Promise<void>>();
  });
  it('takes no callback', () => {
    // @ts-expect-error -- no callback: the promise replaces it
    void model.setPromised('todos.a.title', 'x', () => undefined);
    // @ts-expect-error -- no callback
    void model.addPromised('todos', {}, () => undefined);
    // @ts-expect-error -- stringInsert needs an index and a text
    void model.stringInsertPromised('todos.a.title', 'x');
  });
});

describe('*Promised (typed model)', () => {
  const model = createModel<typeof schema>();
  it('checks paths and values like set, del, increment, push and add', () => {
    expectTypeOf(model.setPromised('todos.a.title', 'x')).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error -- title is a string
    void model.setPromised('todos.a.title', 1);
    // @ts-expect-error -- no such field
    void model.delPromised('todos.a.titel');
    // @ts-expect-error -- title is not a number
    void model.incrementPromised('todos.a.title');
    void model.pushPromised('todos.a.tags', 'x');
    expectTypeOf(model.addPromised('todos', { title: 'x', count: 0, tags: [] })).toEqualTypeOf<Promise<string>>();
    // @ts-expect-error -- not a collection of the schema
    void model.addPromised('users', { title: 'x', count: 0, tags: [] });
  });
});
