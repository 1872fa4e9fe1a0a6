/**
 * Type tests: `createModel<typeof schema>()` types paths, values, `add` and
 * `query` by a zod schema; the untyped `createModel()` stays as it was.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createModel, type Model, type Path, type Query, type TypedModel, type TypedScope, type ValueAt, type DocumentTree } from '../../src/index.ts';

export const schema = {
  todos: z.object({
    title: z.string(),
    done: z.boolean(),
    count: z.number(),
    tags: z.array(z.string()),
    meta: z.object({ color: z.string(), size: z.object({ w: z.number() }) }).optional(),
  }),
  lists: z.object({ name: z.string(), todoIds: z.array(z.string()) }),
};
type Todo = z.infer<typeof schema.todos>;
type List = z.infer<typeof schema.lists>;
type Tree = DocumentTree<{ todos: Todo; lists: List }>;

describe('Path and ValueAt', () => {
  it('lists the dotted paths, with any id and numeric indices', () => {
    expectTypeOf<'todos.a1.title'>().toExtend<Path<Tree>>();
    expectTypeOf<'lists.x.todoIds.3'>().toExtend<Path<Tree>>();
    expectTypeOf<'todos.a1.meta.size.w'>().toExtend<Path<Tree>>();
    expectTypeOf<'users'>().not.toExtend<Path<Tree>>();
  });
  it('gives the type at a path, never for a wrong one', () => {
    expectTypeOf<ValueAt<Tree, 'todos.a1.title'>>().toEqualTypeOf<string>();
    expectTypeOf<ValueAt<Tree, 'todos.a1'>>().toEqualTypeOf<Todo>();
    expectTypeOf<ValueAt<Tree, 'todos.a1.tags.0'>>().toEqualTypeOf<string>();
    expectTypeOf<ValueAt<Tree, 'todos.a1.meta.size.w'>>().toEqualTypeOf<number>();
    expectTypeOf<ValueAt<Tree, `todos.${string}.done`>>().toEqualTypeOf<boolean>();
    expectTypeOf<ValueAt<Tree, 'todos.a1.titel'>>().toBeNever();
    expectTypeOf<ValueAt<Tree, 'todos.a1.tags.first'>>().toBeNever();
  });
});

describe('createModel<typeof schema>()', () => {
  const model = createModel<typeof schema>();
  const id: string = 'a1';

  it('is a TypedModel, and createModel() without a schema is the untyped Model', () => {
    expectTypeOf(model).toEqualTypeOf<TypedModel<typeof schema>>();
    expectTypeOf(createModel()).toEqualTypeOf<Model>();
    expectTypeOf(createModel().get<string>('todos.a1.title')).toEqualTypeOf<string | undefined>();
  });

  it('types get by path', () => {
    expectTypeOf(model.get('todos.a1.title')).toEqualTypeOf<string | undefined>();
    expectTypeOf(model.get(`todos.${id}`)).toEqualTypeOf<Todo | undefined>();
    expectTypeOf(model.get(`todos.${id}.tags.0`)).toEqualTypeOf<string | undefined>();
    expectTypeOf(model.get('todos.a1.meta.color')).toEqualTypeOf<string | undefined>();
    // @ts-expect-error a misspelled field
    model.get('todos.a1.titel');
    // @ts-expect-error a collection the schema does not have
    model.get('users.u1');
  });

  it('types set, del, increment and push by path and value', () => {
    expectTypeOf(model.set('todos.a1.title', 'Milk')).toEqualTypeOf<string | undefined>();
    model.set(`todos.${id}.done`, true, (error) => expectTypeOf(error).toEqualTypeOf<Error | undefined>());
    // @ts-expect-error a number is not a title
    model.set('todos.a1.title', 3);
    // @ts-expect-error a misspelled field
    model.set('todos.a1.dne', true);
    expectTypeOf(model.del('todos.a1.meta')).toEqualTypeOf<Todo['meta'] | undefined>();
    // @ts-expect-error a misspelled field
    model.del('todos.a1.mta');
    expectTypeOf(model.increment('todos.a1.count', 2)).toEqualTypeOf<number>();
    // @ts-expect-error a string is not a counter
    model.increment('todos.a1.title');
    expectTypeOf(model.push('todos.a1.tags', 'urgent')).toEqualTypeOf<number>();
    // @ts-expect-error tags hold strings
    model.push('todos.a1.tags', 1);
    // @ts-expect-error title is not an array
    model.push('todos.a1.title', 'x');
  });

  it('types at() scopes, relative to the scope', () => {
    const $todo = model.at(`todos.${id}`);
    expectTypeOf($todo).toEqualTypeOf<TypedScope<Todo>>();
    expectTypeOf($todo.get()).toEqualTypeOf<Todo | undefined>();
    expectTypeOf($todo.get('done')).toEqualTypeOf<boolean | undefined>();
    expectTypeOf($todo.at('tags').get(0)).toEqualTypeOf<string | undefined>();
    $todo.set('title', 'Bread');
    $todo.at('title').set('Bread');
    $todo.at('count').increment();
    // @ts-expect-error a misspelled field
    $todo.get('titel');
    // the untyped members are Model's
    expectTypeOf($todo.path()).toEqualTypeOf<string>();
    expectTypeOf($todo.pass({ source: 'test' })).toEqualTypeOf<TypedScope<Todo>>();
  });

  it('types add(collection, doc) and query(collection, expression)', () => {
    expectTypeOf(model.add('todos', { title: 'Milk', done: false, count: 0, tags: [] })).toEqualTypeOf<string>();
    model.add('lists', { id: 'main', name: 'Main', todoIds: [] });
    // @ts-expect-error a misspelled field
    model.add('todos', { titel: 'Milk', done: false, count: 0, tags: [] });
    // @ts-expect-error a required field is missing
    model.add('lists', { name: 'Main' });
    // @ts-expect-error a collection the schema does not have
    model.add('users', { name: 'Ada' });
    expectTypeOf(model.query('todos', { done: false, $sort: { title: 1 } })).toEqualTypeOf<Query<readonly Todo[]>>();
    expectTypeOf(model.query('todos', { done: false, $count: true })).toEqualTypeOf<Query<number>>();
    expectTypeOf(model.query('todos', { 'meta.size.w': { $gt: 2 }, tags: 'urgent' }).get()).toEqualTypeOf<readonly Todo[]>();
    // @ts-expect-error a misspelled field in a condition
    model.query('todos', { dne: false });
    // @ts-expect-error a misspelled field in $sort
    model.query('todos', { $sort: { titel: 1 } });
    // @ts-expect-error done is a boolean
    model.query('todos', { done: 'no' });
  });
});

describe('escape hatches', () => {
  const model = createModel<typeof schema>();
  it('scope() gives the untyped Model, for dynamic paths', () => {
    expectTypeOf(model.scope('todos')).toEqualTypeOf<Model>();
    const field: string = 'title';
    // @ts-expect-error a dynamic field name cannot be checked
    model.at('todos.a1').get(field);
    expectTypeOf(model.scope('todos.a1').get<string>(field)).toEqualTypeOf<string | undefined>();
  });
});
