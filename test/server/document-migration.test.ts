/**
 * Schema migrations (`versionedSchema`): a document of an older schema
 * version is migrated once when its room loads, through the room (clients
 * and storage get one ordinary update), concurrent loads do not migrate it
 * twice, old-shaped writes are refused naming the field, and a migration
 * that throws leaves the document readable but read-only.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { z } from 'zod';
import type { SyncError } from '../../src/client/sync-error.ts';
import { memoryStorage, migrateDocuments, versionedSchema, type SchemaMap, type Storage } from '../../src/server/index.ts';
import { recordedSchemaVersion } from '../../src/server/schema-version.ts';
import { updateProblem } from '../../src/server/update-check.ts';
import { postgresAvailable, postgresScope } from '../helpers/postgres-fixtures.ts';
import { client, startServer } from '../helpers/sync-fixtures.ts';
import { deferred, eventually, fieldsUpdate, loadStored, recordingStorage, useResources, within, type RecordingStorage } from '../helpers/server-fixtures.ts';

const resources = useResources();
const postgres = postgresScope();

/** Version 1 stored `{ text }`; version 2 is `{ title, done }`. */
function schemaV2(migrate2: (value: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>> = (v1) => ({ title: v1['text'], done: false })): {
  schema: SchemaMap;
  calls: () => number;
} {
  let calls = 0;
  const todos = versionedSchema(z.object({ title: z.string(), done: z.boolean() }), {
    version: 2,
    migrate: {
      2: (v1) => {
        calls += 1;
        return migrate2(v1);
      },
    },
  });
  return { schema: { todos }, calls: () => calls };
}

/** A storage holding `todos/a` as written under version 1 (no version recorded). */
async function v1Store(inner: Storage = memoryStorage()): Promise<Storage> {
  await inner.append({ collection: 'todos', id: 'a' }, [fieldsUpdate({ text: 'Milk' })]);
  await inner.saveJson({ collection: 'todos', id: 'a' }, '{"text":"Milk"}');
  return inner;
}

/** Sets a value and resolves with the write's callback error (undefined once stored). */
const write = (model: ReturnType<typeof client>, path: string, value: unknown): Promise<Error | undefined> =>
  within(new Promise((resolve) => model.set(path, value, (error) => resolve(error))), 5000, `the write of ${path}`);

const appendsOf = (storage: RecordingStorage): number => storage.callsOf('append', 'todos/a').length;

/** A `beforeLoad` hook that holds each load until `count` loads have started, so they race. */
function loadsTogether(count: number): () => Promise<void> {
  const allLoading = deferred();
  let loads = 0;
  return async () => {
    loads += 1;
    if (loads === count) allLoading.resolve();
    await allLoading.promise;
  };
}

describe('document migration', () => {
  it('migrates a v1 document once when its room loads: one stored update, clients and queries see the new value', async () => {
    const storage = recordingStorage(await v1Store(), { keepOpen: true });
    const { schema, calls } = schemaV2();
    const t = resources.server(await startServer({ storage, schema }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    expect(model.get('todos.a')).toEqual({ title: 'Milk', done: false });
    expect(appendsOf(storage)).toBe(1);
    expect(calls()).toBe(1);
    const stored = await loadStored(storage.inner, 'todos/a');
    expect(stored.stored.version).toBe(2);
    expect(recordedSchemaVersion(stored.doc)).toBe(2);
    // Queries read the stored JSON: the migrated value is there once saved.
    await t.server.close();
    expect((await storage.inner.query('todos', { title: 'Milk' })).ids).toEqual(['a']);
    expect((await storage.inner.query('todos', { text: 'Milk' })).ids).toEqual([]);
    // A later load (another server) finds it migrated: nothing runs, nothing is stored.
    const again = recordingStorage(storage.inner, { keepOpen: true });
    const next = resources.server(await startServer({ storage: again, schema }));
    const reader = resources.model(client(next.url));
    await reader.subscribe('todos.a');
    expect(reader.get('todos.a')).toEqual({ title: 'Milk', done: false });
    expect(appendsOf(again)).toBe(0);
    expect(calls()).toBe(1);
  });

  it('migrates once when two servers on one storage load the document at the same moment', async () => {
    const inner = await v1Store();
    const beforeLoad = loadsTogether(2);
    const { schema, calls } = schemaV2();
    const one = recordingStorage(inner, { keepOpen: true, beforeLoad });
    const two = recordingStorage(inner, { keepOpen: true, beforeLoad });
    const [s1, s2] = [resources.server(await startServer({ storage: one, schema })), resources.server(await startServer({ storage: two, schema }))];
    const [m1, m2] = [resources.model(client(s1.url)), resources.model(client(s2.url))];
    await Promise.all([m1.subscribe('todos.a'), m2.subscribe('todos.a')]);
    expect(m1.get('todos.a')).toEqual({ title: 'Milk', done: false });
    expect(m2.get('todos.a')).toEqual({ title: 'Milk', done: false });
    // Both ran the migration on the version they loaded; only one stored it.
    expect(calls()).toBe(2);
    expect((await inner.load({ collection: 'todos', id: 'a' })).version).toBe(2);
    expect((await loadStored(inner, 'todos/a')).value).toEqual({ title: 'Milk', done: false });
  });

  it.skipIf(!postgresAvailable)('migrates once when two servers on one Postgres schema load the document at the same moment', async () => {
    const name = await postgres.freshSchema({ create: false });
    await v1Store(postgres.open(name));
    const beforeLoad = loadsTogether(2);
    const { schema } = schemaV2();
    const servers = [
      resources.server(await startServer({ storage: recordingStorage(postgres.open(name), { beforeLoad }), schema })),
      resources.server(await startServer({ storage: recordingStorage(postgres.open(name), { beforeLoad }), schema })),
    ];
    const models = servers.map((s) => resources.model(client(s.url)));
    await Promise.all(models.map((m) => m.subscribe('todos.a')));
    for (const m of models) expect(m.get('todos.a')).toEqual({ title: 'Milk', done: false });
    const check = postgres.open(name);
    expect((await check.load({ collection: 'todos', id: 'a' })).version).toBe(2);
  });

  it('refuses a write of the old shape, naming the field, and stores nothing of it', async () => {
    const storage = recordingStorage(await v1Store(), { keepOpen: true });
    const t = resources.server(await startServer({ storage, schema: schemaV2().schema }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    const appends = appendsOf(storage);
    const refused = (await write(model, 'todos.a.text', 'Eggs')) as SyncError;
    expect(refused.code).toBe('invalid-document');
    expect(refused.message).toContain('schema of todos.a: text:');
    expect(appendsOf(storage)).toBe(appends);
    expect(await write(model, 'todos.a.done', true)).toBeUndefined();
  });

  it('leaves a document whose migration throws readable but read-only, with the reason logged and given to writers', async () => {
    const storage = recordingStorage(await v1Store(), { keepOpen: true });
    const { schema } = schemaV2(() => {
      throw new Error('no text field rule');
    });
    const t = resources.server(await startServer({ storage, schema }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    expect(model.get('todos.a')).toEqual({ text: 'Milk' });
    const reason = 'todos/a is read-only: migrating it from schema version 1 to 2 failed (migrate[2] threw: no text field rule)';
    expect(t.logs).toContain(`error: ${reason}`);
    const refused = (await write(model, 'todos.a.title', 'Eggs')) as SyncError;
    expect(refused.code).toBe('invalid-document');
    expect(refused.message).toContain(reason);
    expect(appendsOf(storage)).toBe(0);
    expect(model.get('todos.a')).toEqual({ text: 'Milk' });
  });

  it('leaves a document read-only when the migrated value fails the schema', async () => {
    const storage = recordingStorage(await v1Store(), { keepOpen: true });
    const t = resources.server(await startServer({ storage, schema: schemaV2((v1) => ({ title: v1['text'] })).schema }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    expect(t.logs.find((line) => line.includes('todos/a is read-only'))).toMatch(/the migrated value fails the schema \(schema of todos\.a: done:/);
    expect(appendsOf(storage)).toBe(0);
  });

  it('awaits an async validator on the migrated value', async () => {
    const storage = await v1Store();
    const sync = z.object({ title: z.string(), done: z.boolean() });
    const asyncSchema = { '~standard': { ...sync['~standard'], validate: async (value: unknown) => sync['~standard'].validate(value) } };
    const todos = versionedSchema(asyncSchema, { version: 2, migrate: { 2: (v1) => ({ title: v1['text'], done: true }) } });
    const t = resources.server(await startServer({ storage: recordingStorage(storage, { keepOpen: true }), schema: { todos } }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.a');
    expect(model.get('todos.a')).toEqual({ title: 'Milk', done: true });
  });

  it('records the version in documents created under the new schema, so they are never migrated', async () => {
    const storage = recordingStorage(memoryStorage(), { keepOpen: true });
    const { schema, calls } = schemaV2();
    const t = resources.server(await startServer({ storage, schema }));
    const model = resources.model(client(t.url));
    await model.subscribe('todos.b');
    expect(await write(model, 'todos.b', { title: 'Bread', done: false })).toBeUndefined();
    // The version is recorded by a server write right after the creation: wait for it to be stored.
    await eventually(async () => recordedSchemaVersion((await loadStored(storage.inner, 'todos/b')).doc) === 2, 3000, 'the recorded version');
    expect(storage.callsOf('append', 'todos/b')).toHaveLength(2);
    await t.server.close();
    const next = resources.server(await startServer({ storage: recordingStorage(storage.inner, { keepOpen: true }), schema }));
    const reader = resources.model(client(next.url));
    await reader.subscribe('todos.b');
    expect(reader.get('todos.b')).toEqual({ title: 'Bread', done: false });
    expect(calls()).toBe(0);
  });

  it('migrates every stored document of the versioned collections with migrateDocuments, so queries see the new values', async () => {
    const storage = memoryStorage();
    for (const id of ['a', 'b', 'c']) {
      await storage.append({ collection: 'todos', id }, [fieldsUpdate({ text: `Item ${id}` })]);
      await storage.saveJson({ collection: 'todos', id }, JSON.stringify({ text: `Item ${id}` }));
    }
    await storage.append({ collection: 'notes', id: 'n' }, [fieldsUpdate({ text: 'untouched' })]);
    const { schema, calls } = schemaV2();
    const t = resources.server(await startServer({ storage: recordingStorage(storage, { keepOpen: true }), schema }));
    expect(await migrateDocuments(t.server, { pageSize: 2 })).toBe(3);
    expect(calls()).toBe(3);
    await t.server.close(); // stores the JSON values
    expect((await storage.query('todos', { done: false })).ids).toEqual(['a', 'b', 'c']);
    expect((await loadStored(storage, 'notes/n')).value).toEqual({ text: 'untouched' });
  });

  it('refuses a client update that writes the schema version (the root map meta); the server\'s own writes may', () => {
    const doc = new Y.Doc();
    doc.getMap('meta').set('schemaVersion', 3);
    const update = Y.encodeStateAsUpdate(doc);
    expect(updateProblem(new Y.Doc(), update)?.message).toMatch(/root type "meta"/);
    expect(updateProblem(new Y.Doc(), update, { metaRoot: true })).toBeNull();
  });

  it('rejects a version that is not an integer from 1 on, and a missing migration', () => {
    const base = z.object({ title: z.string() });
    expect(() => versionedSchema(base, { version: 0 })).toThrow(/version must be an integer from 1 on/);
    expect(() => versionedSchema(base, { version: 3, migrate: { 2: (v) => v } })).toThrow(/migrate\[3\] \(from version 2 to 3\) must be a function/);
  });
});
