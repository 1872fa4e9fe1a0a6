/**
 * The limits of the server a client talks to, as far as the client knows
 * them: the documented defaults until the server's `limits` message says
 * otherwise, lowered when the server closed a socket for a frame that was
 * too large (one sent before the announcement arrived), so that such a frame
 * is refused here next time instead of being sent again and again.
 */
import { CloseCode } from '../protocol/error-code.ts';
import { DEFAULT_MAX_FRAME_BYTES, DEFAULT_MESSAGE_BURST, DEFAULT_MESSAGES_PER_SECOND, LimitName, type LimitsMessage } from '../protocol/limits-message.ts';

/** What a `doc` frame adds around its update, at most, besides the document name. */
const FRAME_OVERHEAD = 32;

/** Close code of `ws` for a message over its payload limit (twice the server's `maxFrameBytes`). */
const MESSAGE_TOO_BIG = 1009;

/** The limits a client keeps to. */
export class ServerLimits {
  /** The largest frame the server takes. */
  maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  /** Messages per second the server takes, sustained (0: no limit). */
  messagesPerSecond = DEFAULT_MESSAGES_PER_SECOND;
  /** Messages the server takes at once. */
  messageBurst = DEFAULT_MESSAGE_BURST;
  /** The largest update frame sent on the current socket. */
  #largest = 0;

  /** The server announced its limits. */
  announced(message: LimitsMessage): void {
    for (const { name, value } of message.limits) {
      if (name === LimitName.MaxFrameBytes && value > 0) this.maxFrameBytes = value;
      else if (name === LimitName.MaxMessagesPerSecond) this.messagesPerSecond = value;
      else if (name === LimitName.MessageBurst && value > 0) this.messageBurst = value;
    }
  }

  /** An update frame of `bytes` went out on the current socket. */
  sent(bytes: number): void {
    if (bytes > this.#largest) this.#largest = bytes;
  }

  /** The socket closed with `code`; a close for a frame too large lowers the limit below the largest frame sent. */
  closed(code: number): void {
    if ((code === CloseCode.FrameTooLarge || code === MESSAGE_TOO_BIG) && this.#largest > 0) {
      this.maxFrameBytes = Math.min(this.maxFrameBytes, this.#largest - 1);
    }
    this.#largest = 0;
  }

  /** The largest update that fits in a frame about `doc`. */
  maxUpdateBytes(doc: string): number {
    return this.maxFrameBytes - FRAME_OVERHEAD - 3 * doc.length;
  }
}
