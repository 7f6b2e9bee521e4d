import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_FOLDERS, allCatalogers, registryOf, selectCatalogers } from './all.js';

const here = new URL('.', import.meta.url).pathname;
const dirs = (p: string): string[] => readdirSync(p).filter((n) => n !== 'fixtures' && statSync(join(p, n)).isDirectory());

test('every cataloger folder is registered, its id equals its folder path, and it has a README', () => {
  const folders: string[] = [];
  for (const family of dirs(here)) {
    if (SHARED_FOLDERS.includes(family)) continue;
    for (const name of dirs(join(here, family))) folders.push(`${family}/${name}`);
  }
  assert.deepEqual(allCatalogers.map((c) => c.id).sort(), folders.sort());
  for (const f of folders) assert.ok(existsSync(join(here, f, 'README.md')), `${f}/README.md`);
  for (const f of SHARED_FOLDERS) assert.ok(existsSync(join(here, f, 'README.md')), `${f}/README.md`);
});

test('the registry refuses duplicate ids', () => {
  assert.throws(() => registryOf([allCatalogers[0]!, allCatalogers[0]!]), /duplicate cataloger id/);
});

test('catalogers are selected by family or id; unknown names are an error', () => {
  assert.ok(selectCatalogers(['os']).every((c) => c.id.startsWith('os/')));
  assert.deepEqual(selectCatalogers(['go/binary']).map((c) => c.id), ['go/binary']);
  assert.equal(selectCatalogers(undefined), allCatalogers);
  assert.throws(() => selectCatalogers(['cobol']), /unknown cataloger\(s\): cobol/);
});
