/**
 * A stock y-websocket client (the `y-websocket` package's WebsocketProvider)
 * on one document, at `ws://host/<collection>/<docId>`: sync step 1 and the
 * room's awareness on open, then the plain y-websocket message exchange.
 * It shares the room with multiplexed clients.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { DocName } from '../protocol/doc-name.ts';
import { CloseCode, ErrorCode } from '../protocol/error-code.ts';
import { ProtocolError } from '../protocol/message-schema.ts';
import { awarenessPayload, readPayload, step1Payload, step2Payload, type SyncPayload } from '../protocol/sync-payload.ts';
import { AccessRefusedError } from './access-refused-error.ts';
import { receiveChecked } from './checked-write.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import { ReadGate } from './read-gate.ts';
import { whenReadable } from './when-readable.ts';
import { BadUpdateError } from './bad-update-error.ts';
import type { Room } from './room.ts';

/** An empty awareness update: a valid message that changes nothing (keeps idle clients alive). */
const KEEP_ALIVE = awarenessPayload(new Uint8Array([0]));

/** A y-websocket connection to one document. */
export class StockConnection extends Connection {
  readonly #name: string;
  readonly #key: DocName;
  #room: Room | null = null;
  /** Kinds of presence refusal already logged for this connection. */
  readonly #presenceLogged = new Set<string>();
  readonly #gate = new ReadGate({
    access: this.context.access,
    session: () => this.session ?? {},
    log: (level, message) => this.log(level, message),
    revoke: (_room, reason) => {
      this.log('warn', `read revoked (${reason})`);
      this.close(CloseCode.Forbidden, 'forbidden');
    },
  });

  constructor(ws: WebSocket, request: IncomingMessage, context: ConnectionContext, name: string, key: DocName) {
    super(ws, request, context);
    this.#name = name;
    this.#key = key;
  }

  protected describe(): string {
    return `y-websocket connection to ${this.#name}`;
  }

  protected async open(): Promise<void> {
    let room: Room;
    try {
      room = await this.context.registry.open(this.#name, this.#key);
    } catch (error) {
      this.log('error', `loading failed (${String(error)})`);
      this.close(CloseCode.GoingAway, 'loading failed');
      return;
    }
    if (this.closed) return;
    await this.#whenReadable(room, () => {
      this.#room = room;
      this.#gate.admit(room);
      this.context.registry.join(room, this);
      this.send(step1Payload(room.stateVector()));
      const awareness = room.awarenessState();
      if (awareness) this.send(awarenessPayload(awareness));
    });
  }

  /** A room's broadcast: sent once the read rules allow the document (at once without rules). */
  sendPayload(room: Room, payload: Uint8Array): void {
    this.#gate.pass(room, () => this.send(payload));
  }

  /** Sends something harmless if nothing was sent for a while (y-websocket drops a silent socket after 30 s). */
  keepAlive(now: number, idleMs: number): void {
    if (now - this.lastSent >= idleMs) this.send(KEEP_ALIVE);
  }

  protected async handle(frame: Uint8Array): Promise<void> {
    const room = this.#room;
    if (!room) return;
    let payload: SyncPayload;
    try {
      payload = readPayload(frame);
    } catch (error) {
      this.log('warn', `malformed message (${error instanceof ProtocolError ? error.message : String(error)})`);
      this.close(CloseCode.BadFrame, 'malformed message');
      return;
    }
    switch (payload.type) {
      case 'step1':
        await this.#whenReadable(room, () => {
          try {
            this.send(step2Payload(room.diff(payload.stateVector)));
          } catch {
            this.log('warn', 'a state vector could not be decoded');
          }
        });
        return;
      case 'step2':
      case 'update':
        try {
          // A refused update is applied and reverted: this client's later updates build on it.
          const { stored, refused } = await receiveChecked(room, payload.update, this, this.session ?? {}, this.context.access, {
            revertRefused: true,
          });
          if (refused) {
            this.log('warn', `update refused and reverted (${refused.message})`);
            this.context.meter?.writeRefused(refused instanceof AccessRefusedError ? refused.code : ErrorCode.BadUpdate);
          }
          stored.catch((error: unknown) => {
            this.log('error', `storing failed (${String(error)})`);
            this.context.meter?.writeRefused(ErrorCode.StorageFailed);
          });
        } catch (error) {
          // It cannot be integrated at all: y-websocket has no error message, so it is dropped (never stored or relayed) and logged.
          if (!(error instanceof BadUpdateError) && !(error instanceof AccessRefusedError)) throw error;
          this.log('warn', `update rejected (${error.message})`);
          this.context.meter?.writeRefused(error instanceof AccessRefusedError ? error.code : ErrorCode.BadUpdate);
        }
        return;
      case 'awareness': {
        let refusals;
        try {
          refusals = room.applyAwareness(payload.update, this);
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
          this.log('warn', `an awareness update could not be decoded (${error.message})`);
          return;
        }
        // y-websocket relays every state it sees, others' too: dropping those is routine, logged once per connection.
        for (const refusal of refusals) {
          if (this.#presenceLogged.has(refusal.code)) continue;
          this.#presenceLogged.add(refusal.code);
          this.log(refusal.code === ErrorCode.NotYours ? 'info' : 'warn', `${refusal.message} (logged once per connection)`);
        }
        return;
      }
      case 'query-awareness':
        await this.#whenReadable(room, () => {
          const state = room.awarenessState();
          this.send(state ? awarenessPayload(state) : KEEP_ALIVE);
        });
    }
  }

  /** Runs `then` in the step that saw the read rule allow the document's current value, or closes with 4403. */
  async #whenReadable(room: Room, then: () => void): Promise<void> {
    const denied = await whenReadable(this.context.access, this.context.registry, this.session ?? {}, room, () => {
      if (!this.closed) then();
    });
    if (denied === null || this.closed) return;
    this.log('warn', `read refused (${denied})`);
    this.close(CloseCode.Forbidden, 'forbidden');
  }

  roomLost(room: Room): void {
    if (this.#room === room) this.#room = null;
    this.close(1011, 'document reset; reconnect');
  }

  protected onClosed(): void {
    if (this.#room) this.context.registry.leave(this.#room, this);
    this.#room = null;
  }
}
