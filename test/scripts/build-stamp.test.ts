/** The build stamps of `npm start` (scripts/build-stamp.mjs): a hash of the inputs, and whether a build is current. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashInputs, isCurrent, writeStamp } from '../../scripts/build-stamp.mjs';
import { tempDir } from '../helpers/client-fixtures.ts';
import { useResources } from '../helpers/server-fixtures.ts';

const resources = useResources();

/** A temporary root holding src/a.ts, src/deep/b.ts and config.json. */
function project(): string {
  const root = tempDir('yracer-stamp-');
  resources.defer(() => root.remove());
  mkdirSync(join(root.dir, 'src/deep'), { recursive: true });
  writeFileSync(join(root.dir, 'src/a.ts'), 'export const a = 1;\n');
  writeFileSync(join(root.dir, 'src/deep/b.ts'), 'export const b = 2;\n');
  writeFileSync(join(root.dir, 'config.json'), '{}\n');
  return root.dir;
}

const INPUTS = [{ path: 'src' }, { path: 'config.json' }];

describe('hashInputs', () => {
  it('gives the same hash for the same contents', () => {
    const root = project();
    expect(hashInputs(root, INPUTS)).toBe(hashInputs(root, INPUTS));
    expect(hashInputs(root, INPUTS)).toBe(hashInputs(project(), INPUTS));
  });

  it('changes when a file changes, is added, is removed or is renamed', () => {
    const root = project();
    const seen = new Set([hashInputs(root, INPUTS)]);
    writeFileSync(join(root, 'src/deep/b.ts'), 'export const b = 3;\n');
    seen.add(hashInputs(root, INPUTS));
    writeFileSync(join(root, 'src/c.ts'), '');
    seen.add(hashInputs(root, INPUTS));
    rmSync(join(root, 'src/a.ts'));
    seen.add(hashInputs(root, INPUTS));
    rmSync(join(root, 'src/c.ts'));
    writeFileSync(join(root, 'src/d.ts'), '');
    seen.add(hashInputs(root, INPUTS));
    expect(seen.size).toBe(5);
  });

  it('changes with the extra strings and with a missing input, and ignores node_modules, dist and files `keep` refuses', () => {
    const root = project();
    const before = hashInputs(root, INPUTS);
    expect(hashInputs(root, INPUTS, ['vite@1'])).not.toBe(before);
    expect(hashInputs(root, [...INPUTS, { path: 'missing' }])).not.toBe(before);
    mkdirSync(join(root, 'src/node_modules'));
    writeFileSync(join(root, 'src/node_modules/x.js'), 'x');
    mkdirSync(join(root, 'src/dist'));
    writeFileSync(join(root, 'src/dist/y.js'), 'y');
    expect(hashInputs(root, INPUTS)).toBe(before);
    const onlyTs = [{ path: 'src', keep: (name: string) => name.endsWith('.ts') }];
    const tsHash = hashInputs(root, onlyTs);
    writeFileSync(join(root, 'src/notes.md'), 'not an input');
    expect(hashInputs(root, onlyTs)).toBe(tsHash);
  });
});

describe('isCurrent', () => {
  it('is true only with the stored hash and every output present', () => {
    const root = project();
    const stamp = join(root, 'stamp.json');
    const output = join(root, 'config.json');
    expect(isCurrent(stamp, 'abc', [output])).toBe(false); // no stamp yet
    writeStamp(stamp, 'abc');
    expect(isCurrent(stamp, 'abc', [output])).toBe(true);
    expect(isCurrent(stamp, 'abd', [output])).toBe(false);
    expect(isCurrent(stamp, 'abc', [output, join(root, 'gone.js')])).toBe(false);
    writeFileSync(stamp, 'not json');
    expect(isCurrent(stamp, 'abc', [output])).toBe(false);
    writeFileSync(stamp, 'null');
    expect(isCurrent(stamp, 'abc', [output])).toBe(false);
  });
});
