import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer lint rules', () => {
  it('rejects imports from other layers and Node or socket packages in src/model', async () => {
    const code = [
      "import { a } from '../client/connection.ts';",
      "import { b } from '../server/server.ts';",
      "import { WebSocket } from 'ws';",
      "import { readFileSync } from 'node:fs';",
      'export const all = [a, b, WebSocket, readFileSync];',
      '',
    ].join('\n');
    const messages = await restrictedImports('src/model/example.ts', code);
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatch(/framework-free/);
  });

  it('allows yjs and sibling model files in src/model', async () => {
    const code = "import * as Y from 'yjs';\nimport { splitPath } from './path.ts';\nexport const all = [Y, splitPath];\n";
    expect(await restrictedImports('src/model/example.ts', code)).toEqual([]);
  });

  it('keeps the browser client away from the server layer', async () => {
    const code = "import { x } from '../server/index.ts';\nexport const all = [x];\n";
    expect(await restrictedImports('src/client/example.ts', code)).toHaveLength(1);
  });

  it('keeps src/fanout a transport of bytes and the browser client away from it', async () => {
    expect(await restrictedImports('src/fanout/example.ts', "import { a } from '../server/index.ts';\nimport * as Y from 'yjs';\nexport const all = [a, Y];\n")).toHaveLength(2);
    expect(await restrictedImports('src/fanout/example.ts', "import { createClient } from '@redis/client';\nexport const all = [createClient];\n")).toEqual([]);
    expect(await restrictedImports('src/client/example.ts', "import { x } from '../fanout/fanout.ts';\nexport const all = [x];\n")).toHaveLength(1);
  });
});
