import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm start', () => {
  it('explains what it will do and exits non-zero while the example app is missing', () => {
    const result = spawnSync(process.execPath, ['scripts/start.mjs'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/not available yet/);
    expect(result.stderr).toMatch(/http:\/\/localhost:3000/);
  });
});
