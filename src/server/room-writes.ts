/**
 * `RoomWrites`: how a peer's update becomes a stored write of a room. An
 * update is decoded and checked before it touches the document, integrated
 * (room-intake.ts) and appended in order (room-store.ts); a checked write
 * of shared storage is stored at the version it was checked against first;
 * a stock client's refused update is integrated and reverted in one step.
 * While the change hooks listen, each write carries the document's value
 * before and after it (`StoredWrite`).
 */
import { BadUpdateError } from './bad-update-error.ts';
import type { IntakeRoom, RoomIntake } from './room-intake.ts';
import type { RoomPeer } from './room-peer.ts';
import type { RoomSettings } from './room-settings.ts';
import type { RoomStore } from './room-store.ts';
import { valueBefore, writtenAfter } from './stored-write.ts';
import { updateProblem } from './update-check.ts';

/** The write paths of one room (see `Room.receive`, `Room.receiveAt`, `Room.receiveReverted`); `R` is the room type. */
export class RoomWrites<R extends IntakeRoom> {
  readonly #room: R;
  readonly #settings: RoomSettings<R>;
  readonly #intake: RoomIntake<R>;
  readonly #store: () => RoomStore;
  readonly #closed: () => boolean;

  constructor(room: R, settings: RoomSettings<R>, intake: RoomIntake<R>, store: () => RoomStore, closed: () => boolean) {
    this.#room = room;
    this.#settings = settings;
    this.#intake = intake;
    this.#store = store;
    this.#closed = closed;
  }

  /** See `Room.receive`. */
  receive(update: Uint8Array, from: RoomPeer): Promise<void> {
    if (this.#closed()) return Promise.reject(new Error(`room ${this.#room.name} is closed`));
    // Decoded in full and checked for missing or bad references before it touches the document.
    const problem = updateProblem(this.#room.doc, update);
    if (problem) throw new BadUpdateError(problem.message, problem.kind === 'content');
    const before = valueBefore(this.#settings.writes, this.#room);
    this.#intake.integrate(update, from);
    return this.#store().append(update, writtenAfter(before, from?.session, this.#room));
  }

  /** See `Room.receiveAt`. */
  async receiveAt(update: Uint8Array, from: RoomPeer, expectVersion: number): Promise<void> {
    if (this.#closed()) throw new Error(`room ${this.#room.name} is closed`);
    const last = await this.#store().appendAt(update, expectVersion);
    if (this.#closed()) return;
    const before = valueBefore(this.#settings.writes, this.#room);
    this.#intake.integrate(update, from);
    const write = writtenAfter(before, from?.session, this.#room);
    this.#store().stored(last, last, update, write ? [write] : []);
  }

  /** See `Room.receiveReverted`. */
  receiveReverted(update: Uint8Array, from?: RoomPeer): Promise<void> {
    if (this.#closed()) return Promise.reject(new Error(`room ${this.#room.name} is closed`));
    const before = valueBefore(this.#settings.writes, this.#room);
    const net = this.#intake.revert(update);
    return net ? this.#store().append(net, writtenAfter(before, from?.session, this.#room)) : Promise.resolve();
  }
}
