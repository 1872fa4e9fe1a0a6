/**
 * Type tests of the typed hooks. `createHooks<typeof schema>()` types
 * `useDoc`, `useValue` and `useQuery` by a zod schema; without a registered
 * schema (`interface Register`) the plain hooks stay untyped, as before.
 *
 * No file of this project registers a schema: the augmentation would apply
 * to the whole tsc program (all tests), and some tests pass deliberately
 * invalid paths and queries to check the run-time errors.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { IsRegistered, Model, RegisteredDocs, TypedScope } from '../../src/index.ts';
import { createHooks, useDoc, useQuery, useValue, type QueryInfo } from '../../src/react/index.ts';

export const schema = {
  todos: z.object({ title: z.string(), done: z.boolean(), rank: z.number().optional(), tags: z.array(z.string()).optional() }),
  lists: z.object({ name: z.string() }),
};
type Todo = z.infer<typeof schema.todos>;
const typed = createHooks<typeof schema>();

describe('createHooks<typeof schema>()', () => {
  const id: string = 'a1';

  it('returns the plain hooks, typed', () => {
    expectTypeOf(typed.useDoc).toBeFunction();
    const [todo, $todo] = typed.useDoc('todos', id);
    expectTypeOf(todo).toEqualTypeOf<Todo | undefined>();
    expectTypeOf($todo).toEqualTypeOf<TypedScope<Todo>>();
    $todo.set('done', true);
    // @ts-expect-error a misspelled field
    $todo.set('dne', true);
    // @ts-expect-error a collection the schema does not have
    typed.useDoc('users', id);
  });

  it('types useValue by path', () => {
    expectTypeOf(typed.useValue('todos.x.title')).toEqualTypeOf<string | undefined>();
    expectTypeOf(typed.useValue(`todos.${id}.done`)).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(typed.useValue(`todos.${id}`)).toEqualTypeOf<Todo | undefined>();
    expectTypeOf(typed.useValue(`todos.${id}.tags.0`)).toEqualTypeOf<string | undefined>();
    // @ts-expect-error a misspelled field
    typed.useValue('todos.x.titel');
    // @ts-expect-error a collection the schema does not have
    typed.useValue('users.x');
  });

  it('types useQuery docs and expression', () => {
    const [docs, $todos, info] = typed.useQuery('todos', { done: false, $sort: { rank: 1 } });
    expectTypeOf(docs).toEqualTypeOf<readonly Todo[]>();
    expectTypeOf($todos.get(id)).toEqualTypeOf<Todo | undefined>();
    expectTypeOf(info).toEqualTypeOf<QueryInfo>();
    expectTypeOf(typed.useQuery('todos', { done: false, $count: true })[0]).toEqualTypeOf<number>();
    expectTypeOf(typed.useQuery('lists')[0]).toEqualTypeOf<readonly { name: string }[]>();
    // @ts-expect-error a misspelled field
    typed.useQuery('todos', { dne: false });
    // @ts-expect-error a collection the schema does not have
    typed.useQuery('users', {});
  });
});

describe('plain hooks without a registered schema', () => {
  it('registers nothing', () => {
    expectTypeOf<IsRegistered>().toEqualTypeOf<false>();
    expectTypeOf<RegisteredDocs>().toEqualTypeOf<Readonly<Record<string, unknown>>>();
  });

  it('stay untyped: any collection or path, unknown values, Model scopes', () => {
    const [doc, $doc] = useDoc('anything', 'x');
    expectTypeOf(doc).toEqualTypeOf<unknown>();
    expectTypeOf($doc).toEqualTypeOf<Model>();
    expectTypeOf(useValue('any.path.at.all')).toEqualTypeOf<unknown>();
    const [docs, $collection] = useQuery('anything', { whatever: { $gt: 1 } });
    expectTypeOf(docs).toEqualTypeOf<readonly unknown[]>();
    expectTypeOf($collection).toEqualTypeOf<Model>();
    expectTypeOf(useQuery('anything', { $count: true })[0]).toEqualTypeOf<number>();
  });

  it('keep the explicit type argument', () => {
    expectTypeOf(useDoc<Todo>('todos', 'a')).toEqualTypeOf<[Todo | undefined, Model]>();
    expectTypeOf(useValue<string>('todos.a.title')).toEqualTypeOf<string | undefined>();
    expectTypeOf(useQuery<Todo>('todos', { done: false })[0]).toEqualTypeOf<readonly Todo[]>();
  });
});
