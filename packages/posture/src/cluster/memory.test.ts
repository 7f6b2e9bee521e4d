import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@bulwark/core/testing';
import { DUMP_TARGET_BYTES, generateDump } from './fixtures/generate-dump.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-memory-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CHILD = fileURLToPath(new URL('./fixtures/load-snapshot.child.ts', import.meta.url));

test('a 50 MB dump loads and inventories in a child limited to a 512 MB heap', { timeout: 300_000 }, async () => {
  const dump = join(dir, 'dump.json');
  const count = await generateDump(dump);
  const size = statSync(dump).size;
  assert.ok(size >= DUMP_TARGET_BYTES, `${size} bytes`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', CHILD, dump], { cwd: REPO_ROOT, timeout: 240_000, maxBuffer: 1 << 20 });
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { objects: number; assets: number; relations: number; secretsWithData: number; loadMs: number; inventoryMs: number; maxRssMiB: number; heapUsedMiB: number };
  console.log(`dump ${(size / 2 ** 20).toFixed(1)} MiB, ${r.objects} objects: load ${r.loadMs} ms, inventory ${r.inventoryMs} ms (${r.relations} relations), peak RSS ${r.maxRssMiB} MiB, heap after ${r.heapUsedMiB} MiB`);
  assert.equal(r.objects, count);
  assert.equal(r.assets, count);
  assert.equal(r.secretsWithData, 0);
  // the text is never held whole (50 MiB as UTF-16 would be 100 MiB on top of the objects)
  assert.ok(r.maxRssMiB < 700, `peak RSS ${r.maxRssMiB} MiB`);
});
