import { join } from 'node:path';
import { afterAll } from 'vitest';
import { memoryStorage } from '../../src/storage/memory-storage.ts';
import { sqliteStorage } from '../../src/storage/sqlite-storage.ts';
import { tempDir } from '../helpers/client-fixtures.ts';
import { describeStorageContract } from '../helpers/storage-contract.ts';

const temp = tempDir('yracer-contract-');
afterAll(() => temp.remove());
let files = 0;
const fileOf = new WeakMap<object, string>();

describeStorageContract('memoryStorage()', () => memoryStorage());
describeStorageContract("sqliteStorage(':memory:')", () => sqliteStorage(':memory:'));
describeStorageContract(
  'sqliteStorage(file)',
  () => {
    const file = join(temp.dir, `contract-${++files}.db`);
    const storage = sqliteStorage(file);
    fileOf.set(storage, file);
    return storage;
  },
  { second: (first) => sqliteStorage(fileOf.get(first) as string) },
);
describeStorageContract(
  "sqliteStorage(file, { durability: 'process' })",
  () => {
    const file = join(temp.dir, `contract-${++files}.db`);
    const storage = sqliteStorage(file, { durability: 'process' });
    fileOf.set(storage, file);
    return storage;
  },
  { second: (first) => sqliteStorage(fileOf.get(first) as string, { durability: 'process' }) },
);
