/**
 * Port of Racer's test/Model/path.js (derbyjs/racer 2.3.1).
 */
import { describe, expect, it } from 'vitest';
import { createModel } from '../../../src/index.ts';

describe('path methods', () => {
  describe('path', () => {
    it('returns empty string for model without scope', () => {
      const model = createModel();
      expect(model.path()).toBe('');
    });
  });
  describe('scope', () => {
    it('returns a child model with the absolute scope', () => {
      const model = createModel();
      const scoped = model.scope('foo.bar.baz');
      expect(model.path()).toBe('');
      expect(scoped.path()).toBe('foo.bar.baz');
    });
    it('supports segments as separate arguments', () => {
      const model = createModel();
      const scoped = model.scope('foo', 'bar', 'baz');
      expect(model.path()).toBe('');
      expect(scoped.path()).toBe('foo.bar.baz');
    });
    it('overrides a previous scope', () => {
      const model = createModel();
      const scoped = model.scope('foo', 'bar', 'baz');
      const scoped2 = scoped.scope('colors', 4);
      expect(scoped2.path()).toBe('colors.4');
    });
    it('supports no arguments', () => {
      const model = createModel();
      const scoped = model.scope('foo', 'bar', 'baz');
      const scoped2 = scoped.scope();
      expect(scoped2.path()).toBe('');
    });
  });
  describe('at', () => {
    it('returns a child model with the relative scope', () => {
      const model = createModel();
      const scoped = model.at('foo.bar.baz');
      expect(model.path()).toBe('');
      expect(scoped.path()).toBe('foo.bar.baz');
    });
    it('supports segments as separate arguments', () => {
      const model = createModel();
      const scoped = model.at('foo', 'bar', 'baz');
      expect(model.path()).toBe('');
      expect(scoped.path()).toBe('foo.bar.baz');
    });
    it('overrides a previous scope', () => {
      const model = createModel();
      const scoped = model.at('colors');
      const scoped2 = scoped.at(4);
      expect(scoped2.path()).toBe('colors.4');
    });
    it('supports no arguments', () => {
      const model = createModel();
      const scoped = model.at('foo', 'bar', 'baz');
      const scoped2 = scoped.at();
      expect(scoped2.path()).toBe('foo.bar.baz');
    });
  });
});
