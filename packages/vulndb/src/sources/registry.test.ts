import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sharedPath } from '@bulwark/core/testing';
import { registryOf, sources } from './registry.js';

const here = import.meta.dirname;
const folders = readdirSync(here).filter((n) => statSync(join(here, n)).isDirectory() && n !== 'fixtures');

describe('sources registry', () => {
  it('registers every folder under its folder name, each with a README', () => {
    assert.deepEqual([...sources.keys()].sort(), folders.sort());
    for (const f of folders) assert.ok(existsSync(join(here, f, 'README.md')), `${f}/README.md`);
  });

  it('rejects a duplicate id', () => {
    const s = sources.get('kev')!;
    assert.throws(() => registryOf([s, s]), /registered twice: kev/);
  });

  it('recognises every bulk feed of the shared mirror', async () => {
    const dir = sharedPath('vulndb');
    const found: string[] = [];
    for (const s of sources.values()) if ((await s.locate(dir)).length > 0) found.push(s.id);
    // The mirror has no tracker JSON and no Ubuntu OSV bulk data (samples/ are not imported).
    assert.deepEqual(found.sort(), ['alpine-secdb', 'cve-json5', 'debian-tracker-list', 'epss', 'friendsofphp', 'kev', 'nodejs-security-wg', 'osv', 'rubysec', 'ubuntu-uct']);
  });
});
