import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { schemaProblem } from '../../src/schema/validate-document.ts';

const schemas = {
  todos: z.object({ title: z.string(), tags: z.array(z.object({ name: z.string() })).optional() }),
  strict: z.strictObject({ title: z.string() }),
  loose: z.looseObject({ title: z.string() }),
  defaults: z.object({ title: z.string(), done: z.boolean().default(false) }),
  trimmed: z.object({ title: z.string().trim() }),
};

describe('schemaProblem', () => {
  it('passes a document the schema accepts as it is, with or without its id', () => {
    expect(schemaProblem(schemas, 'todos', 'a', { title: 'x', tags: [{ name: 'n' }] })).toBeNull();
    expect(schemaProblem(schemas, 'todos', 'a', { id: 'a', title: 'x' })).toBeNull();
    expect(schemaProblem(schemas, 'loose', 'a', { title: 'x', extra: 1 })).toBeNull();
    expect(schemaProblem(schemas, 'todos', 'a', undefined)).toBeNull();
    expect(schemaProblem(schemas, 'other', 'a', { anything: 1 })).toBeNull();
  });

  it('names the field an object schema strips, at any depth', () => {
    expect(schemaProblem(schemas, 'todos', 'a', { title: 'x', hidden: 'h' })).toMatch(/^schema of todos\.a: hidden: the schema's output differs/);
    expect(schemaProblem(schemas, 'todos', 'a', { title: 'x', tags: [{ name: 'n', extra: true }] })).toMatch(/^schema of todos\.a: tags\.0\.extra:/);
  });

  it('counts an id that is not the document id as a field', () => {
    expect(schemaProblem(schemas, 'todos', 'a', { id: 'b', title: 'x' })).toMatch(/: id: the schema's output differs/);
  });

  it('refuses a document the schema would change: defaults and transforms', () => {
    expect(schemaProblem(schemas, 'defaults', 'a', { title: 'x' })).toMatch(/: done: the schema's output differs/);
    expect(schemaProblem(schemas, 'defaults', 'a', { title: 'x', done: true })).toBeNull();
    expect(schemaProblem(schemas, 'trimmed', 'a', { title: ' x ' })).toMatch(/: title: the schema's output differs/);
  });

  it('reports the issues of an invalid document', () => {
    expect(schemaProblem(schemas, 'strict', 'a', { title: 'x', extra: 1 })).toMatch(/^schema of strict\.a: /);
    expect(schemaProblem(schemas, 'todos', 'a', { title: 5 })).toMatch(/^schema of todos\.a: title: /);
  });
});
