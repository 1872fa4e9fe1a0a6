/**
 * A tiny schema language for binary wire messages: a message is a kind number
 * and an ordered list of typed fields. From one definition come the encoder,
 * the decoder (which rejects truncated or over-long input) and the TypeScript
 * type, so the three never disagree.
 *
 * @example
 * const ack = defineMessage(MessageKind.Ack, 'ack', { seq: uint });
 * type Ack = MessageOf<typeof ack>; // { kind: MessageKind.Ack; seq: number }
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Encodes and decodes one field type. */
export interface FieldCodec<T> {
  readonly name: string;
  write(encoder: encoding.Encoder, value: T): void;
  read(decoder: decoding.Decoder): T;
}

/** Thrown for bytes that are not a valid message. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** A non-negative integer (variable length, up to 2^53). */
export const uint: FieldCodec<number> = {
  name: 'uint',
  write: (encoder, value) => encoding.writeVarUint(encoder, value),
  read: (decoder) => decoding.readVarUint(decoder),
};

/** A UTF-8 string, at most `max` UTF-16 code units. */
export const string = (max = 1024): FieldCodec<string> => ({
  name: 'string',
  write: (encoder, value) => {
    if (value.length > max) throw new ProtocolError(`a string field is longer than ${max} characters`);
    encoding.writeVarString(encoder, value);
  },
  read: (decoder) => {
    const value = decoding.readVarString(decoder);
    if (value.length > max) throw new ProtocolError(`a string field is longer than ${max} characters`);
    return value;
  },
});

/** A length-prefixed byte array. */
export const bytes: FieldCodec<Uint8Array> = {
  name: 'bytes',
  write: (encoder, value) => encoding.writeVarUint8Array(encoder, value),
  read: (decoder) => decoding.readVarUint8Array(decoder),
};

/** A list of values of one codec, at most `max` items. */
export const list = <T>(codec: FieldCodec<T>, max: number): FieldCodec<readonly T[]> => ({
  name: `list of ${codec.name}`,
  write: (encoder, values) => {
    if (values.length > max) throw new ProtocolError(`a list field has more than ${max} items`);
    encoding.writeVarUint(encoder, values.length);
    for (const value of values) codec.write(encoder, value);
  },
  read: (decoder) => {
    const length = decoding.readVarUint(decoder);
    if (length > max) throw new ProtocolError(`a list field has more than ${max} items`);
    const values: T[] = [];
    for (let i = 0; i < length; i++) values.push(codec.read(decoder));
    return values;
  },
});

/** A record of named fields written in order (an item of a `list`). */
export const struct = <F extends Fields>(name: string, fields: F): FieldCodec<StructOf<F>> => {
  const entries = Object.entries(fields);
  return {
    name,
    write: (encoder, value) => {
      const record = value as Record<string, unknown>;
      for (const [field, codec] of entries) codec.write(encoder, record[field]);
    },
    read: (decoder) => {
      const out: Record<string, unknown> = {};
      for (const [field, codec] of entries) out[field] = codec.read(decoder);
      return out as StructOf<F>;
    },
  };
};

/** The decoded shape of a `struct`'s fields. */
export type StructOf<F extends Fields> = { readonly [N in keyof F]: F[N] extends FieldCodec<infer T> ? T : never };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- field tables hold codecs of any value type
type Fields = Record<string, FieldCodec<any>>;

/** The decoded shape of a message definition. */
export type MessageOf<D> = D extends MessageDefinition<infer K, infer F>
  ? { readonly kind: K } & { readonly [N in keyof F]: F[N] extends FieldCodec<infer T> ? T : never }
  : never;

/** A message definition: its kind, name and fields, and how to encode and decode it. */
export interface MessageDefinition<K extends number, F extends Fields> {
  readonly kind: K;
  readonly name: string;
  readonly fields: F;
  /** Encodes the message, kind first. */
  encode(message: Omit<MessageOf<MessageDefinition<K, F>>, 'kind'>): Uint8Array;
  /** Reads the fields (the kind has been read already). */
  decodeFields(decoder: decoding.Decoder): MessageOf<MessageDefinition<K, F>>;
}

/** Defines a message from its kind, name and ordered fields. */
export function defineMessage<K extends number, F extends Fields>(kind: K, name: string, fields: F): MessageDefinition<K, F> {
  const entries = Object.entries(fields);
  return {
    kind,
    name,
    fields,
    encode(message) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, kind);
      const record = message as Record<string, unknown>;
      for (const [field, codec] of entries) codec.write(encoder, record[field]);
      return encoding.toUint8Array(encoder);
    },
    decodeFields(decoder) {
      const out: Record<string, unknown> = { kind };
      for (const [field, codec] of entries) {
        try {
          out[field] = codec.read(decoder);
        } catch (error) {
          if (error instanceof ProtocolError) throw error;
          throw new ProtocolError(`${name}: field "${field}" (${codec.name}) is truncated or malformed`);
        }
      }
      return out as MessageOf<MessageDefinition<K, F>>;
    },
  };
}
