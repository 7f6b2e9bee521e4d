import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { advisories, collect, tempDir } from '../test-helpers.js';
import { ubuntuOsv } from './ubuntu-osv.js';

describe('ubuntu-osv', () => {
  it("reads Canonical's OSV records from a checkout layout (ubuntu/osv/**.json)", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'ubuntu/osv'), { recursive: true });
    cpSync(sharedPath('vulndb/samples/osv/Ubuntu'), join(dir, 'ubuntu/osv/cve'), { recursive: true });
    const files = await ubuntuOsv.locate(dir);
    assert.equal(files.length, 10);
    const { items, warnings } = await collect(ubuntuOsv, dir, files);
    assert.deepEqual(warnings, []);
    const recs = advisories(items);
    const ecos = new Set(recs.flatMap((r) => (r.affected ?? []).map((a) => a.package!.ecosystem)));
    assert.ok(ecos.has('Ubuntu:22.04:LTS') && ecos.has('Ubuntu:Pro:14.04:LTS'), [...ecos].join());
    assert.ok(recs.some((r) => r.id === 'USN-5614-1'));
  });

  it('is not picked up by the generic osv source, and a bucket zip for Ubuntu is', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'osv/Ubuntu'), { recursive: true });
    writeFileSync(join(dir, 'osv/Ubuntu/all.zip'), 'not a zip');
    assert.deepEqual(await ubuntuOsv.locate(dir), ['osv/Ubuntu/all.zip']);
    await assert.rejects(collect(ubuntuOsv, dir), (e) => e instanceof InputError && e.file === join(dir, 'osv/Ubuntu/all.zip'));
  });
});
