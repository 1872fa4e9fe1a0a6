import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { memoryFanoutHub, memoryStorage } from '../../src/server/index.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';
import { deferred, eventually, loadStored, recordingStorage, useResources } from '../helpers/server-fixtures.ts';
import { authenticate, call, startApi, todoSchema } from '../helpers/http-fixtures.ts';
import { ownerRules } from '../helpers/owner-rules.ts';

const resources = useResources();

const ann = { user: 'ann' };
const bob = { user: 'bob' };
const todo = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({ owner: 'ann', title: 'one', ...fields });

describe('httpHandler', () => {
  describe('documents', () => {
    it('creates with PUT (201), reads with GET, merges a PATCH, replaces with PUT and deletes with DELETE, storing each', async () => {
      const { t, base } = await startApi(resources);
      expect(await call(base, 'GET', '/docs/todos/a', ann)).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
      const created = await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo({ tags: ['x'], done: false }) });
      expect(created).toMatchObject({ status: 201, body: { version: 1 } });
      expect((await loadStored(t.storage, 'todos/a')).value).toEqual(todo({ tags: ['x'], done: false }));
      expect(await call(base, 'GET', '/docs/todos/a', ann)).toMatchObject({ status: 200, body: { value: todo({ tags: ['x'], done: false }), version: 1 } });

      const patched = await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: true, tags: null }, contentType: 'application/merge-patch+json' });
      expect(patched).toMatchObject({ status: 200, body: { version: 2 } });
      expect((await loadStored(t.storage, 'todos/a')).value).toEqual(todo({ done: true }));

      const replaced = await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo({ title: 'two' }) });
      expect(replaced).toMatchObject({ status: 200, body: { version: 3 } });
      expect(await call(base, 'GET', '/docs/todos/a', ann)).toMatchObject({ body: { value: todo({ title: 'two' }), version: 3 } });

      expect(await call(base, 'DELETE', '/docs/todos/a', ann)).toMatchObject({ status: 200, body: { version: 4 } });
      expect((await loadStored(t.storage, 'todos/a')).value).toBeUndefined();
      expect((await call(base, 'GET', '/docs/todos/a', ann)).status).toBe(404);
    });

    it('answers a write that changes nothing with the current version, storing nothing', async () => {
      const storage = recordingStorage();
      const { base } = await startApi(resources, { storage });
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      const appends = storage.callsOf('append').length;
      expect(await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).toMatchObject({ status: 200, body: { version: 1 } });
      expect(await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { title: 'one' } })).toMatchObject({ status: 200, body: { version: 1 } });
      expect(storage.callsOf('append')).toHaveLength(appends);
    });

    it('answers 404 to a PATCH or DELETE of a missing document, storing nothing', async () => {
      const storage = recordingStorage();
      const { base } = await startApi(resources, { storage });
      expect(await call(base, 'PATCH', '/docs/todos/none', { ...ann, body: { title: 'x' } })).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
      expect(await call(base, 'DELETE', '/docs/todos/none', ann)).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
      expect(storage.callsOf('append')).toHaveLength(0);
    });

    it('decodes URL-encoded names', async () => {
      const { base } = await startApi(resources);
      expect((await call(base, 'PUT', '/docs/todos/a%3A1', { ...ann, body: todo() })).status).toBe(201);
      expect(await call(base, 'GET', '/docs/todos/a:1', ann)).toMatchObject({ status: 200, body: { value: todo() } });
    });
  });

  describe('authentication and rules', () => {
    it('answers 401 when authenticate refuses, storing nothing', async () => {
      const storage = recordingStorage();
      const { base } = await startApi(resources, { storage });
      const anonymous = await call(base, 'PUT', '/docs/todos/a', { body: todo() });
      expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(anonymous.body.error.message).toContain('unknown user');
      expect((await call(base, 'GET', '/docs/todos/a', { user: 'eve' })).status).toBe(401);
      expect((await call(base, 'POST', '/query/todos', { user: 'eve', body: {} })).status).toBe(401);
      expect(storage.callsOf('append')).toHaveLength(0);
    });

    it("applies the read rule to GET: 403 naming the rule, without the value", async () => {
      const { base } = await startApi(resources);
      await call(base, 'PUT', '/docs/todos/secret', { ...ann, body: todo({ title: 'hidden' }) });
      const refused = await call(base, 'GET', '/docs/todos/secret', bob);
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(refused.body.error.message).toContain('rule todos.read denied it');
      expect(JSON.stringify(refused.body)).not.toContain('hidden');
    });

    it('applies the write rules to PUT, PATCH and DELETE: 403 forbidden, nothing stored, the owner still writes', async () => {
      const { t, base } = await startApi(resources);
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo({ shared: true }) });
      const update = await call(base, 'PATCH', '/docs/todos/a', { ...bob, body: { title: 'stolen' } });
      expect(update).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect(update.body.error.message).toContain('rule todos.update denied it');
      expect((await call(base, 'PUT', '/docs/todos/a', { ...bob, body: todo({ title: 'stolen' }) })).status).toBe(403);
      expect(await call(base, 'DELETE', '/docs/todos/a', bob)).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('todos.delete') } } });
      const create = await call(base, 'PUT', '/docs/todos/b', { ...bob, body: todo() });
      expect(create).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('todos.create') } } });
      expect((await call(base, 'PUT', '/docs/notes/n', { ...ann, body: { text: 'x' } })).body.error.message).toContain('collection "notes" has no rules');
      expect((await loadStored(t.storage, 'todos/a')).value).toEqual(todo({ shared: true }));
      expect((await loadStored(t.storage, 'todos/b')).empty).toBe(true);
      expect((await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { title: 'mine' } })).status).toBe(200);
    });

    it('answers 403, not 404, about a missing document the session may not read', async () => {
      const { base } = await startApi(resources, { rules: { todos: { read: () => false, create: () => true, update: () => true, delete: () => true } } });
      expect((await call(base, 'GET', '/docs/todos/none', ann)).status).toBe(403);
      expect((await call(base, 'DELETE', '/docs/todos/none', ann)).status).toBe(403);
    });

    it('applies the schema: 422 invalid-document naming the field, nothing stored', async () => {
      const { t, base } = await startApi(resources);
      const bad = await call(base, 'PUT', '/docs/todos/a', { ...ann, body: { owner: 'ann', title: 5 } });
      expect(bad).toMatchObject({ status: 422, body: { error: { code: 'invalid-document' } } });
      expect(bad.body.error.message).toContain('title');
      expect((await loadStored(t.storage, 'todos/a')).empty).toBe(true);
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      expect((await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: 'yes' } })).status).toBe(422);
      expect((await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { title: null } })).body.error.code).toBe('invalid-document');
      expect((await loadStored(t.storage, 'todos/a')).value).toEqual(todo());
    });
    it('writes as one Yjs client per loaded room, so HTTP writes (refused ones between them too) add one state-vector entry', async () => {
      const { t, base } = await startApi(resources);
      const socketClient = resources.model(client(t.url, { token: 'ann' }));
      await socketClient.subscribe('todos.a');
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      for (let i = 0; i < 5; i++) {
        expect((await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { rank: i } })).status).toBe(200);
        expect((await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: 'no' } })).status).toBe(422);
      }
      const parallel = await Promise.all([{ title: 'two' }, { tags: ['x'] }, { shared: true }].map((body) => call(base, 'PATCH', '/docs/todos/a', { ...ann, body })));
      expect(parallel.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const stored = await loadStored(t.storage, 'todos/a');
      expect(stored.value).toEqual(todo({ rank: 4, title: 'two', tags: ['x'], shared: true }));
      expect(Y.decodeStateVector(Y.encodeStateVector(stored.doc)).size).toBe(1);
      await waitFor(() => socketClient.get('todos.a.shared') === true, 5000, 'the client to see every HTTP write');
      expect(socketClient.get('todos.a')).toEqual(todo({ rank: 4, title: 'two', tags: ['x'], shared: true }));
    });
  });

  describe('bad requests', () => {
    it('refuses bad JSON, bad documents, bad patches and bad names with 400, storing nothing and serving on', async () => {
      const storage = recordingStorage();
      const { t, base } = await startApi(resources, { storage });
      const cases: Array<[string, string, unknown, string, string?]> = [
        ['PUT', '/docs/todos/a', '{"owner": "ann",', 'bad-json'],
        ['PUT', '/docs/todos/a', ' ', 'bad-json'],
        ['PUT', '/docs/todos/a', [todo()], 'bad-request'],
        ['PUT', '/docs/todos/a', 'null', 'bad-request'],
        ['PUT', '/docs/todos/a', {}, 'bad-request'],
        ['PUT', '/docs/todos/a', { ...todo(), 'a.b': 1 }, 'bad-request'],
        ['PUT', '/docs/todos/a', '{"owner":"ann","title":"x","__proto__":{"y":1}}', 'bad-request'],
        ['PATCH', '/docs/todos/a', '"x"', 'bad-request'],
        ['PUT', '/docs/9todos/a', todo(), 'bad-doc-name'],
        ['PUT', '/docs/todos/a%20b', todo(), 'bad-doc-name'],
        ['PUT', '/docs/todos/%E0%A4%A', todo(), 'bad-doc-name'],
        ['GET', '/docs/_local/a', undefined, 'bad-doc-name'],
      ];
      for (const [method, path, body, code] of cases) {
        const answer = await call(base, method, path, { ...ann, ...(body === undefined ? {} : { body }) });
        expect({ method, path, status: answer.status, code: answer.body?.error?.code }).toEqual({ method, path, status: 400, code });
        expect(answer.body.error.message.length).toBeGreaterThan(10);
      }
      expect(storage.callsOf('append')).toHaveLength(0);
      expect(t.logs.some((line) => line.startsWith('warn: http PUT /api/docs/todos/a: 400 bad-json'))).toBe(true);
      expect((await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).status).toBe(201);
    });

    it('refuses a PATCH that empties the document (DELETE does that) and keeps it', async () => {
      const { t, base } = await startApi(resources, { schema: {} });
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: { owner: 'ann' } });
      const answer = await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { owner: null } });
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'bad-request', message: expect.stringContaining('DELETE') } } });
      expect((await loadStored(t.storage, 'todos/a')).value).toEqual({ owner: 'ann' });
    });

    it('answers 415 to a body that is not JSON, 405 (with allow) to other methods, 404 to other paths', async () => {
      const { base } = await startApi(resources);
      expect(await call(base, 'PUT', '/docs/todos/a', { ...ann, body: 'owner=ann', contentType: 'text/plain' })).toMatchObject({ status: 415, body: { error: { code: 'unsupported-media-type' } } });
      const post = await call(base, 'POST', '/docs/todos/a', { ...ann, body: todo() });
      expect(post).toMatchObject({ status: 405, body: { error: { code: 'method-not-allowed' } } });
      expect(post.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE');
      const get = await call(base, 'GET', '/query/todos', ann);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(await call(base, 'GET', '/docs/todos', ann)).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } });
      expect((await call(base.replace(/\/api$/, ''), 'GET', '/docs/todos/a', ann)).status).toBe(404);
    });

    it("refuses a body over the server's maxFrameBytes with 413 too-large, reading no more of it and storing nothing", async () => {
      const storage = recordingStorage();
      const { base } = await startApi(resources, { storage, maxFrameBytes: 1024 });
      const big = todo({ title: 'x'.repeat(2000) });
      expect(await call(base, 'PUT', '/docs/todos/a', { ...ann, body: big })).toMatchObject({ status: 413, body: { error: { code: 'too-large' } } });
      expect(await call(base, 'POST', '/query/todos', { ...ann, body: { query: { title: 'x'.repeat(2000) } } })).toMatchObject({ status: 413 });
      expect(storage.callsOf('append')).toHaveLength(0);
      expect((await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).status).toBe(201);
    });

    it('takes its own body limit (maxBodyBytes), also on a chunked body', async () => {
      const { base } = await startApi(resources, {}, { maxBodyBytes: 100 });
      const chunks = [JSON.stringify(todo()).slice(0, -1), `, "rank": ${'1'.repeat(120)}}`];
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      });
      const response = await fetch(`${base}/docs/todos/a`, { method: 'PUT', headers: { 'x-user': 'ann', 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
      expect(response.status).toBe(413);
      expect((await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).status).toBe(201);
    });
  });

  describe('live clients', () => {
    it('sends an HTTP write at once to a subscribed WebSocket client and an in-process model', async () => {
      const { t, base } = await startApi(resources);
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      const socketClient = resources.model(client(t.url, { token: 'ann' }));
      await socketClient.subscribe('todos.a');
      const local = resources.model(t.server.createModel());
      await local.subscribe('todos.a');
      expect((await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: true } })).status).toBe(200);
      await waitFor(() => socketClient.get('todos.a.done') === true, 5000, 'the client to see the HTTP write');
      await waitFor(() => local.get('todos.a.done') === true, 5000, 'the in-process model to see the HTTP write');
      await call(base, 'DELETE', '/docs/todos/a', ann);
      await waitFor(() => socketClient.get('todos.a') === undefined, 5000, 'the client to see the delete');
    });

    it("runs a client's live query again after HTTP writes", async () => {
      const { t, base } = await startApi(resources);
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo({ done: false }) });
      const socketClient = resources.model(client(t.url, { token: 'ann' }));
      const open = socketClient.query('todos', { done: false });
      await open.subscribe();
      expect(open.getIds()).toEqual(['a']);
      await call(base, 'PUT', '/docs/todos/b', { ...ann, body: todo({ done: false }) });
      await waitFor(() => open.getIds().join() === 'a,b', 5000, 'the live query to take the created document');
      await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: true } });
      await waitFor(() => open.getIds().join() === 'b', 5000, 'the live query to drop the patched document');
    });

    it("merges a PATCH with a client's concurrent write of another field (only what changed is written)", async () => {
      const { t, base } = await startApi(resources);
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      const socketClient = resources.model(client(t.url, { token: 'ann' }));
      await socketClient.subscribe('todos.a');
      socketClient.set('todos.a.title', 'from the client');
      await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: true } });
      await socketClient.whenNothingPending();
      await waitFor(() => socketClient.get('todos.a.done') === true, 5000, 'the client to see the HTTP write');
      expect((await call(base, 'GET', '/docs/todos/a', ann)).body.value).toEqual(todo({ title: 'from the client', done: true }));
    });

    it('answers a write only once it is stored (the room has it before)', async () => {
      const hold = deferred();
      let holding = false;
      const storage = recordingStorage(undefined, { beforeAppend: () => (holding ? hold.promise : undefined) });
      const { t, base } = await startApi(resources, { storage });
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      const socketClient = resources.model(client(t.url, { token: 'ann' }));
      await socketClient.subscribe('todos.a');
      holding = true;
      let answered = false;
      const answer = call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: true } }).then((result) => {
        answered = true;
        return result;
      });
      await waitFor(() => storage.callsOf('append').length === 2, 5000, 'the append of the HTTP write');
      await waitFor(() => socketClient.get('todos.a.done') === true, 5000, 'the client to see the HTTP write');
      expect(answered).toBe(false);
      hold.resolve();
      expect(await answer).toMatchObject({ status: 200, body: { version: 2 } });
      expect((await loadStored(t.storage, 'todos/a')).value).toEqual(todo({ done: true }));
    });

    it('reaches the clients of another process sharing storage (checked writes stored at their version)', async () => {
      const hub = memoryFanoutHub();
      const storage = memoryStorage();
      const { base } = await startApi(resources, { storage, fanout: hub.connect() });
      const other = resources.server(await startServer({ storage, fanout: hub.connect(), authenticate, rules: ownerRules, schema: { todos: todoSchema } }));
      await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      const elsewhere = resources.model(client(other.url, { token: 'ann' }));
      await elsewhere.subscribe('todos.a');
      expect(elsewhere.get('todos.a.title')).toBe('one');
      const etag = (await call(base, 'GET', '/docs/todos/a', ann)).headers.get('etag') ?? '';
      const patched = await fetch(`${base}/docs/todos/a`, { method: 'PATCH', headers: { 'x-user': 'ann', 'content-type': 'application/json', 'if-match': etag }, body: '{"done":true}' });
      expect(patched.status).toBe(200);
      await waitFor(() => elsewhere.get('todos.a.done') === true, 5000, "the other process's client to see the HTTP write");
      elsewhere.set('todos.a.title', 'from elsewhere');
      await elsewhere.whenNothingPending();
      await eventually(async () => (await call(base, 'GET', '/docs/todos/a', ann)).body.value.title === 'from elsewhere', 5000, "the API to read the other process's write");
    });

    it('answers 503 storage-failed when storage fails to store the write', async () => {
      const storage = recordingStorage(undefined, { beforeAppend: () => Promise.reject(new Error('disk full')) });
      const { t, base } = await startApi(resources, { storage });
      const answer = await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() });
      expect(answer).toMatchObject({ status: 503, body: { error: { code: 'storage-failed', message: expect.stringContaining('disk full') } } });
      expect(t.logs.some((line) => line.startsWith('error: http PUT'))).toBe(true);
    });
  });

  describe('mounting', () => {
    it('serves under an Express mount path (stripped by Express), after a JSON body parser, and passes other paths on', async () => {
      const { t } = await startApi(resources);
      const app = express();
      app.use('/v1', express.json({ type: ['application/json', 'application/merge-patch+json'] }), t.server.httpHandler());
      app.use((_req, res) => {
        res.status(418).json({ from: 'the app' });
      });
      const http = createHttpServer(app);
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      resources.defer(async () => {
        http.closeAllConnections();
        await new Promise((resolve) => http.close(resolve));
      });
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`;
      expect((await call(base, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).status).toBe(201);
      expect((await call(base, 'PATCH', '/docs/todos/a', { ...ann, body: { done: true }, contentType: 'application/merge-patch+json' })).status).toBe(200);
      expect(await call(base, 'GET', '/docs/todos/a', ann)).toMatchObject({ status: 200, body: { value: todo({ done: true }), version: 2 } });
      expect(await call(base, 'POST', '/query/todos', { ...ann, body: { query: {} } })).toMatchObject({ status: 200, body: { docs: [{ id: 'a' }] } });
      expect(await call(base, 'GET', '/elsewhere', ann)).toMatchObject({ status: 418, body: { from: 'the app' } });
      // The parser's body is checked like a read one.
      expect(await call(base, 'PUT', '/docs/todos/b', { ...ann, body: { owner: 'ann', title: 1 } })).toMatchObject({ status: 422, body: { error: { code: 'invalid-document' } } });
      expect(await call(base, 'PUT', '/docs/todos/b', { ...ann, body: [1] })).toMatchObject({ status: 400, body: { error: { code: 'bad-request' } } });
    });

    it('serves a connect-style mount (url stripped, originalUrl kept) with the prefix option too', async () => {
      const { t } = await startApi(resources);
      const handler = t.server.httpHandler({ prefix: '/api' });
      const http = createHttpServer((req, res) => {
        const original = req.url ?? '/';
        if (!original.startsWith('/mounted/')) return handler(req, res, () => res.writeHead(204).end());
        Object.assign(req, { originalUrl: original, url: original.slice('/mounted'.length) });
        handler(req, res, () => res.writeHead(204).end());
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      resources.defer(async () => {
        http.closeAllConnections();
        await new Promise((resolve) => http.close(resolve));
      });
      const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      expect((await call(`${origin}/mounted`, 'PUT', '/docs/todos/a', { ...ann, body: todo() })).status).toBe(201);
      expect((await call(`${origin}/api`, 'GET', '/docs/todos/a', ann)).status).toBe(200);
      expect((await call(origin, 'GET', '/other', ann)).status).toBe(204);
    });

    it('answers 503 closing once the server closes', async () => {
      const { t, base } = await startApi(resources);
      await t.server.close();
      expect(await call(base, 'GET', '/docs/todos/a', ann)).toMatchObject({ status: 503, body: { error: { code: 'closing' } } });
    });
  });
});
