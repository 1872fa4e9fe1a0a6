import { describe, expect, it } from 'vitest';
import { isIndexSegment, joinPath, pathProblem, splitPath } from '../../../src/model/paths/path.ts';

describe('path', () => {
  it('splits and joins dotted paths', () => {
    expect(splitPath('')).toEqual([]);
    expect(splitPath('todos.a.title')).toEqual(['todos', 'a', 'title']);
    expect(joinPath('todos', 'a.title')).toBe('todos.a.title');
    expect(joinPath('', 'todos')).toBe('todos');
    expect(joinPath('todos.a', 3)).toBe('todos.a.3');
    expect(joinPath('todos', undefined)).toBe('todos');
  });

  it('recognizes canonical array indices only', () => {
    expect(isIndexSegment('0')).toBe(true);
    expect(isIndexSegment('42')).toBe(true);
    expect(isIndexSegment('01')).toBe(false);
    expect(isIndexSegment('-1')).toBe(false);
    expect(isIndexSegment('x')).toBe(false);
  });

  it('explains what is wrong with a path', () => {
    expect(pathProblem(['todos', 'a'])).toBeNull();
    expect(pathProblem(['todos', '', 'x'])).toMatch(/empty segment/);
    expect(pathProblem(['1todos'])).toMatch(/collection name/);
    expect(pathProblem(['todos', 'a b'])).toMatch(/document id/);
  });
});
