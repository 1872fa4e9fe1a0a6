import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createServer, memoryStorage, type Rules, type Session } from '../../src/server/index.ts';

const schema = {
  todos: z.object({ owner: z.string(), title: z.string(), tags: z.array(z.string()).optional() }),
  lists: z.object({ order: z.array(z.string()) }),
};
type Todo = z.infer<typeof schema.todos>;

describe('Rules<typeof schema>', () => {
  it('types each rule from its collection’s schema', () => {
    const rules: Rules<typeof schema> = {
      todos: {
        read: (_session, _id, doc) => {
          expectTypeOf(doc).toEqualTypeOf<Todo | undefined>();
          return true;
        },
        create: (session, _id, doc) => doc.owner === session['user'],
        update: (_session, _id, before, after) => {
          expectTypeOf(before).toEqualTypeOf<Todo>();
          return before.owner === after.owner;
        },
        delete: (session, id, before) => {
          expectTypeOf(session).toEqualTypeOf<Session>();
          expectTypeOf(id).toEqualTypeOf<string>();
          return before.owner === session['user'];
        },
      },
      lists: { read: (_session, _id, doc) => doc === undefined || doc.order.length < 1000 },
    };
    createServer({ storage: memoryStorage(), schema, rules });
  });

  it('rejects a misspelled field, a collection the schema lacks, and a rule of the wrong shape', () => {
    const misspelled: Rules<typeof schema> = {
      // @ts-expect-error `ownr` is not a field of a todo
      todos: { delete: (_session, _id, before) => before.ownr === 'ann' },
    };
    const unknown: Rules<typeof schema> = {
      // @ts-expect-error `notes` has no schema
      notes: { read: () => true },
    };
    const wrongResult: Rules<typeof schema> = {
      // @ts-expect-error a rule answers a boolean (or a promise of one)
      todos: { read: () => 'yes' },
    };
    void [misspelled, unknown, wrongResult];
  });

  it('types collections without a schema, named as the second argument, as unknown', () => {
    const rules: Rules<typeof schema, 'letters'> = {
      todos: { read: () => true },
      letters: {
        update: (_session, _id, before) => {
          expectTypeOf(before).toEqualTypeOf<unknown>();
          return true;
        },
      },
    };
    createServer({ storage: memoryStorage(), schema, rules });
  });

  it('keeps plain Rules open to any collection, with annotated documents', () => {
    const rules: Rules = { notes: { read: (_session, _id, doc: { text: string } | undefined) => doc?.text !== '' } };
    createServer({ storage: memoryStorage(), rules });
  });
});
