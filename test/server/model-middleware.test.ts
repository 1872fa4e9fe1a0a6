import { createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { describe, expect, it, vi } from 'vitest';
import type { Model } from '../../src/index.ts';
import { AccessRefusedError, createServer, memoryStorage, type ModelRequest, type Rules, type Session, type SyncServer } from '../../src/server/index.ts';
import { client, waitFor } from '../helpers/sync-fixtures.ts';
import { useResources } from '../helpers/server-fixtures.ts';

const resources = useResources();

interface Note {
  readonly owner: string;
  readonly text: string;
  readonly shared?: boolean;
}

const rules: Rules = {
  notes: {
    read: (session, _id, doc: Note | undefined) => doc === undefined || doc.shared === true || doc.owner === session['user'],
    create: (session, _id, doc: Note) => doc.owner === session['user'],
    update: (session, _id, before: Note) => before.owner === session['user'],
    delete: () => false,
  },
};

/** The user from the `x-user` header, or from `?token=` (WebSocket upgrades); anything else is refused. */
function authenticate(request: IncomingMessage): Session {
  const header = request.headers['x-user'];
  const token = typeof header === 'string' ? header : new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (token !== 'ann' && token !== 'bob') throw new Error(`unknown user ${String(token)}`);
  return { user: token };
}

interface App {
  readonly sync: SyncServer;
  readonly base: string;
  readonly port: number;
  readonly logs: string[];
  /** The models the routes were given, in request order. */
  readonly models: Model[];
}

/** An Express app with the middleware and a sync server on the same HTTP server; ann's private n1 and shared n2 are stored. */
async function startApp(): Promise<App> {
  const logs: string[] = [];
  const sync = createServer({ storage: memoryStorage(), path: '/sync', authenticate, rules, log: (level, message) => logs.push(`${level}: ${message}`) });
  const models: Model[] = [];
  const app = express();
  app.use(sync.modelMiddleware());
  app.get('/notes/:id', async (req: Request, res: Response, next: NextFunction) => {
    const model = (req as unknown as ModelRequest).model;
    models.push(model);
    try {
      await model.subscribe(`notes.${String(req.params['id'])}`);
      res.json({ note: model.get(`notes.${String(req.params['id'])}`) ?? null, bundle: await model.bundle() });
    } catch (error) {
      if (error instanceof AccessRefusedError) res.status(403).json({ error: error.message });
      else next(error);
    }
  });
  app.get('/slow', (req: Request) => {
    models.push((req as unknown as ModelRequest).model); // never answers: the client gives up
  });
  app.post('/notes/:id', express.json(), async (req: Request, res: Response) => {
    const model = (req as unknown as ModelRequest).model;
    models.push(model);
    const path = `notes.${String(req.params['id'])}`;
    await model.fetch(path);
    const outcome = await new Promise<Error | undefined>((resolve) => model.set(`${path}.text`, (req.body as { text: string }).text, resolve));
    res.status(outcome ? 403 : 200).json({ error: outcome?.message ?? null });
  });
  const http: Server = createHttpServer(app);
  sync.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  resources.defer(async () => {
    await sync.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  const seed = sync.createModel({ session: { user: 'ann' } });
  seed.add('notes', { id: 'n1', owner: 'ann', text: 'hello' });
  seed.add('notes', { id: 'n2', owner: 'ann', text: 'shared', shared: true });
  await seed.whenNothingPending();
  seed.close();
  return { sync, base: `http://127.0.0.1:${port}`, port, logs, models };
}

const get = (app: App, path: string, user?: string): Promise<globalThis.Response> =>
  fetch(`${app.base}${path}`, user ? { headers: { 'x-user': user } } : {});

describe('modelMiddleware', () => {
  it("gives each request a model of the request's session, fetch-only, and closes it when the response finishes", async () => {
    const app = await startApp();
    const response = await get(app, '/notes/n1', 'ann');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { note: Note; bundle: { subscribe: string[] } };
    expect(body.note).toEqual({ id: 'n1', owner: 'ann', text: 'hello' });
    expect(body.bundle.subscribe).toEqual(['notes.n1']);
    const [model] = app.models;
    await waitFor(() => model?.connection.state === 'offline', 2000, 'the request model to close');
    await expect(model!.subscribe('notes.n1')).rejects.toThrow(/closed/);
  });

  it('applies the read rules to the request model and keeps serving others', async () => {
    const app = await startApp();
    const refused = await get(app, '/notes/n1', 'bob');
    expect(refused.status).toBe(403);
    const text = await refused.text();
    expect(text).toContain('rule notes.read denied it');
    expect(text).not.toContain('hello');
    expect((await get(app, '/notes/n1', 'ann')).status).toBe(200);
  });

  it('applies the write rules: a refused write is not stored', async () => {
    const app = await startApp();
    const post = (user: string, text: string): Promise<globalThis.Response> =>
      fetch(`${app.base}/notes/n2`, { method: 'POST', headers: { 'x-user': user, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    const stored = async (): Promise<unknown> => {
      const check = resources.model(app.sync.createModel());
      await check.fetch('notes.n2');
      return check.get('notes.n2.text');
    };
    // bob may read the shared note but not change it.
    const refused = await post('bob', 'stolen');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toContain('rule notes.update denied it');
    expect(await stored()).toBe('shared');
    expect((await post('ann', 'edited')).status).toBe(200);
    expect(await stored()).toBe('edited');
  });

  it('passes a refused authentication to next() with status 401, and logs it', async () => {
    const app = await startApp();
    expect((await get(app, '/notes/n1')).status).toBe(401);
    expect((await get(app, '/notes/n1', 'mallory')).status).toBe(401);
    expect(app.models).toEqual([]);
    expect(app.logs.filter((line) => line.includes('request authentication refused'))).toHaveLength(2);
    expect((await get(app, '/notes/n1', 'ann')).status).toBe(200);
  });

  it('closes the model when the client goes away before the response', async () => {
    const app = await startApp();
    const abort = new AbortController();
    const pending = fetch(`${app.base}/slow`, { headers: { 'x-user': 'ann' }, signal: abort.signal }).catch(() => null);
    await waitFor(() => app.models.length === 1, 2000, 'the slow request');
    abort.abort();
    await pending;
    await waitFor(() => app.models[0]?.connection.state === 'offline', 2000, 'the model to close');
  });

  it('gives a request whose authenticate returns nothing an empty session, never a trusted model', async () => {
    const sync = createServer({ storage: memoryStorage(), rules, log: () => undefined });
    resources.defer(() => sync.close());
    const seed = sync.createModel();
    seed.add('notes', { id: 'n1', owner: 'ann', text: 'private' });
    await seed.whenNothingPending();
    seed.close();
    const middleware = sync.modelMiddleware({ authenticate: () => undefined as unknown as Session });
    const request = { headers: {}, url: '/' } as IncomingMessage;
    const response = new ServerResponse(request);
    const error = await new Promise<unknown>((resolve) => middleware(request, response, resolve));
    expect(error).toBeUndefined();
    const model = (request as ModelRequest).model;
    resources.defer(() => model.close());
    await expect(model.fetch('notes.n1')).rejects.toThrow('rule notes.read denied it');
  });

  it('opens no model when the client goes away while the request is authenticated', async () => {
    const sync = createServer({ storage: memoryStorage(), rules, log: () => undefined });
    const opened = vi.spyOn(sync, 'createModel');
    let letThrough = (): void => undefined;
    const authenticating = new Promise<void>((resolve) => (letThrough = resolve));
    let started = false;
    let reached = false;
    const app = express();
    app.use(
      sync.modelMiddleware({
        authenticate: async () => {
          started = true;
          await authenticating;
          return { user: 'ann' };
        },
      }),
    );
    app.get('/', (_req: Request, res: Response) => {
      reached = true;
      res.end();
    });
    const http = createHttpServer(app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    resources.defer(async () => {
      await sync.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    });
    const abort = new AbortController();
    const pending = fetch(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`, { signal: abort.signal }).catch(() => null);
    await waitFor(() => started, 2000, 'the authentication to start');
    abort.abort();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the server sees the socket close
    letThrough();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(opened).not.toHaveBeenCalled();
    expect(reached).toBe(false);
  });

  it('shares the HTTP server with WebSocket clients of the sync server', async () => {
    const app = await startApp();
    const browser = resources.model(client(`ws://127.0.0.1:${app.port}/sync`, { token: 'ann' }));
    await browser.subscribe('notes.n1');
    expect(browser.get('notes.n1.text')).toBe('hello');
    expect((await get(app, '/notes/n1', 'ann')).status).toBe(200);
  });
});
