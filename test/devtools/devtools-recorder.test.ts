import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createModel, type Model } from '../../src/index.ts';
import { DevtoolsRecorder } from '../../src/devtools/index.ts';
import { noteRender } from '../../src/react/render-log.ts';
import { Opened } from '../helpers/client-fixtures.ts';
import { client, startServer, waitFor } from '../helpers/sync-fixtures.ts';

const opened = new Opened();
afterEach(() => opened.closeAll());

/** A recorder that is stopped after the test. */
function record(model: Model, maxFrames?: number): DevtoolsRecorder {
  const recorder = new DevtoolsRecorder(model, maxFrames === undefined ? {} : { maxFrames });
  opened.defer(() => recorder.stop());
  return recorder;
}

describe('DevtoolsRecorder', () => {
  it('keeps each document its last change, local or remote', async () => {
    const t = opened.server(await startServer());
    const [a, b] = [opened.model(client(t.url)), opened.model(client(t.url))];
    await Promise.all([a.subscribe('todos.x'), b.subscribe('todos.x')]);
    const recorder = record(b);
    b.set('todos.x.title', 'mine');
    expect(recorder.lastChange('todos.x')).toMatchObject({ path: 'todos.x.title', remote: false, type: 'change' });
    a.set('todos.x.done', true);
    await waitFor(() => recorder.lastChange('todos.x')?.remote === true);
    expect(recorder.lastChange('todos.x')).toMatchObject({ path: 'todos.x.done' });
    expect(recorder.lastChange('todos.y')).toBeUndefined();
  });

  it('logs the frames in and out with their kinds and sizes, keeping the last maxFrames', async () => {
    const t = opened.server(await startServer());
    const model = opened.model(client(t.url));
    const recorder = record(model, 5);
    await model.subscribe('todos.a');
    model.set('todos.a.title', 'one');
    await model.whenNothingPending();
    const names = recorder.frames().map((frame) => `${frame.direction} ${frame.name}`);
    expect(names).toContain('in Ack');
    for (let i = 0; i < 10; i += 1) model.set('todos.a.n', i);
    await model.whenNothingPending();
    expect(recorder.frames()).toHaveLength(5);
    expect(recorder.frames().every((frame) => frame.bytes > 0 && frame.at > 0)).toBe(true);
  });

  it('names the subscribe frame it sends and the document it receives', async () => {
    const t = opened.server(await startServer());
    const model = opened.model(client(t.url));
    const recorder = record(model);
    await waitFor(() => model.connection.state === 'online');
    await model.subscribe('todos.a');
    const names = recorder.frames().map((frame) => `${frame.direction} ${frame.name}`);
    expect(names.some((name) => name.startsWith('out Subscribe'))).toBe(true);
    expect(names).toContain('in Subscribed');
  });

  it('counts a reconnect when the connection comes back after it dropped', async () => {
    const t = opened.server(await startServer());
    const sockets: WebSocket[] = [];
    class Tracked extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const model = opened.model(client(t.url, { WebSocket: Tracked as never }));
    const recorder = record(model);
    await waitFor(() => model.connection.state === 'online');
    expect(recorder.reconnects).toBe(0);
    sockets[0]?.terminate();
    await waitFor(() => recorder.reconnects === 1, 5000, 'a reconnect');
    expect(model.connection.state).toBe('online');
  });

  it('counts hook renders after the last change, starting over at the next change, and notifies once per turn', async () => {
    const model = opened.model(createModel());
    const recorder = record(model);
    let notified = 0;
    recorder.subscribe(() => (notified += 1));
    model.set('_page.a', 1);
    noteRender('useValue', '_page.a');
    noteRender('useValue', '_page.a');
    noteRender('useDoc', 'todos.b');
    expect(recorder.renders().map((r) => [r.hook, r.key, r.count])).toEqual([
      ['useValue', '_page.a', 2],
      ['useDoc', 'todos.b', 1],
    ]);
    await Promise.resolve();
    expect(notified).toBe(1);
    model.set('_page.a', 2);
    noteRender('useDoc', 'todos.b');
    expect(recorder.renders().map((r) => [r.hook, r.count])).toEqual([['useDoc', 1]]);
    recorder.stop();
    noteRender('useDoc', 'todos.b');
    expect(recorder.renders().map((r) => r.count)).toEqual([1]);
  });
});
