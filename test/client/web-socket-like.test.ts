import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createModel } from '../../src/index.ts';
import { resolveWebSocket, type WebSocketConstructor, type WebSocketLike } from '../../src/client/web-socket-like.ts';

/** A socket that records the URLs it was opened with and never connects. */
function recordingSocket(opened: string[]): WebSocketConstructor {
  return class implements WebSocketLike {
    binaryType = 'arraybuffer';
    readyState = 0;
    onopen: WebSocketLike['onopen'] = null;
    onmessage: WebSocketLike['onmessage'] = null;
    onclose: WebSocketLike['onclose'] = null;
    onerror: WebSocketLike['onerror'] = null;
    constructor(url: string) {
      opened.push(url);
    }
    send(): void {}
    close(): void {}
  };
}

describe('resolveWebSocket', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('accepts the ws package\'s WebSocket as it is typed (no cast)', () => {
    expect(resolveWebSocket(WebSocket)).toBe(WebSocket);
  });

  it('throws a TypeError saying to pass one when there is no global WebSocket', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => resolveWebSocket(undefined)).toThrow(/no WebSocket available; on Node 20 pass one/);
    expect(() => createModel({ url: 'ws://127.0.0.1:1/' })).toThrow(TypeError);
  });

  it('with connect: false, creates the model without one and takes the global WebSocket of the moment on connect', () => {
    vi.stubGlobal('WebSocket', undefined);
    const model = createModel({ url: 'ws://127.0.0.1:1/', connect: false });
    const opened: string[] = [];
    vi.stubGlobal('WebSocket', recordingSocket(opened));
    model.connect();
    expect(opened).toEqual(['ws://127.0.0.1:1/']);
    model.close();
  });
});
