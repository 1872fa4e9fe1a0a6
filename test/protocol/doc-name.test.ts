import { describe, expect, it } from 'vitest';
import { isLocalCollection, isValidCollection, isValidDocId } from '../../src/model/paths/path.ts';
import { docName, parseDocName } from '../../src/protocol/doc-name.ts';
import { docMessage } from '../../src/protocol/doc-message.ts';
import { decodeFrame } from '../../src/protocol/frame.ts';
import { subscribeMessage } from '../../src/protocol/subscribe-message.ts';
import { unsubscribeMessage } from '../../src/protocol/unsubscribe-message.ts';
import { Random } from '../helpers/random.ts';

describe('parseDocName', () => {
  it('accepts collection/docId made of allowed characters', () => {
    const good: Array<[string, string]> = [
      ['todos', 'a1'],
      ['a', 'b'],
      ['Todo_list$2-x', 'x:y~z@w+v=u$t-_'],
      ['c'.repeat(128), 'i'.repeat(256)],
      ['todos', '__proto__x'],
      ['t', '0'],
    ];
    for (const [collection, id] of good) {
      expect(parseDocName(`${collection}/${id}`), `${collection}/${id}`).toEqual({ collection, id });
      expect(parseDocName(docName(collection, id))).toEqual({ collection, id });
    }
  });

  it('rejects names that are not a synced collection/docId', () => {
    const bad = [
      '',
      'todos',
      'todos/',
      '/a',
      '/',
      'todos/a/b',
      'todos/a b',
      'todos/a.b',
      'todos/é',
      'to dos/a',
      'to.dos/a',
      '1todos/a',
      '-todos/a',
      '_page/a',
      '$connection/state',
      '__proto__/a',
      'todos/__proto__',
      `${'c'.repeat(129)}/a`,
      `todos/${'i'.repeat(257)}`,
      'todos/a\n',
      'todos/a\u0000',
    ];
    for (const name of bad) expect(parseDocName(name), JSON.stringify(name)).toBeNull();
  });

  it('agrees with the model (isValidCollection, isValidDocId) for non-local collections', () => {
    const random = new Random(3);
    const common = ['a', 'Z', 'q', '0', '9', '_', '-'];
    const rare = ['$', ':', '~', '@', '+', '=', '.', ' ', 'é', '!', '#', '%'];
    const piece = (max: number): string => {
      const length = random.int(max + 1);
      let out = '';
      for (let i = 0; i < length; i++) out += random.pick(random.chance(0.85) ? common : rare);
      return out;
    };
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const collection = random.chance(0.05) ? '__proto__' : piece(4);
      const id = random.chance(0.05) ? '__proto__' : piece(4);
      if (collection !== '' && isLocalCollection(collection)) {
        expect(parseDocName(`${collection}/${id}`), `local ${collection}/${id}`).toBeNull();
        continue;
      }
      const model = isValidCollection(collection) && isValidDocId(id);
      const parsed = parseDocName(`${collection}/${id}`);
      expect(parsed !== null, `${JSON.stringify(collection)}/${JSON.stringify(id)}`).toBe(model);
      if (model) accepted += 1;
      else rejected += 1;
    }
    // The generator must exercise both answers.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });

  it('agrees with the model at the length limits', () => {
    for (const length of [127, 128, 129]) {
      const collection = 'c'.repeat(length);
      expect(parseDocName(`${collection}/a`) !== null).toBe(isValidCollection(collection));
    }
    for (const length of [255, 256, 257]) {
      const id = 'i'.repeat(length);
      expect(parseDocName(`todos/${id}`) !== null).toBe(isValidDocId(id));
    }
  });

  it('accepts only names that fit the doc fields of the wire messages', () => {
    const longest = `${'c'.repeat(128)}/${'i'.repeat(256)}`;
    expect(parseDocName(longest)).not.toBeNull();
    // A name the server accepts must be one a client can send: otherwise the frame closes the socket (4400).
    const frames = [
      subscribeMessage.encode({ request: 1, doc: longest, mode: 0, stateVector: new Uint8Array([0]) }),
      docMessage.encode({ doc: longest, seq: 1, payload: new Uint8Array([0, 2, 0]) }),
      unsubscribeMessage.encode({ doc: longest }),
    ];
    for (const frame of frames) expect(() => decodeFrame(frame)).not.toThrow();
  });
});
