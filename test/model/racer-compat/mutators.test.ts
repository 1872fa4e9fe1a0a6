/**
 * Port of Racer's test/Model/mutators.js (derbyjs/racer 2.3.1).
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../src/index.ts';

describe('mutators', () => {
  describe('add', () => {
    const guidRegExp = /[a-f0-9]{8}(-[a-f0-9]{4}){3}-[a-f0-9]{12}/;
    // yracer: new ids are 16 random letters and digits, not GUIDs
    it.skip('returns created id in callback', async () => {
      const model = createModel();
      const id = await new Promise<string | undefined>((resolve, reject) => {
        model.add('_test_doc', { name: 'foo' }, (error, created) => (error ? reject(error) : resolve(created)));
      });
      expect(id).not.toBe(undefined);
      expect(id).toMatch(guidRegExp);
    });
    // yracer: new ids are 16 random letters and digits, not GUIDs
    it.skip('resolves promised add with id', async () => {
      const model = createModel();
      const id = await model.addPromised('_test_doc', { name: 'bar' });
      expect(id).not.toBe(undefined);
      expect(id).toMatch(guidRegExp);
    });
  });
});
