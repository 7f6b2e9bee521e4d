// A 50 MiB cluster dump (13k objects, 365k findings) scans in bounded memory: the CLI runs under a 512 MB V8 heap
// cap, so holding the dump's text, a parsed document tree or the whole JSON report as one string would crash it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@bulwark/core/testing';
import { DUMP_TARGET_BYTES, generateDump } from '../../../posture/src/cluster/fixtures/generate-dump.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-big-snapshot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('scan k8s --snapshot: a 50 MiB dump under a 512 MB heap cap, report streamed to the file', { timeout: 600_000 }, async () => {
  const dump = join(dir, 'cluster.json');
  const objects = await generateDump(dump);
  assert.ok(statSync(dump).size >= DUMP_TARGET_BYTES, 'dump size');
  const out = join(dir, 'report.json');
  const gnuTime = existsSync('/usr/bin/time');
  const node = [process.execPath, '--max-old-space-size=512', join(REPO_ROOT, 'bin/bulwark'), 'scan', 'k8s', '--snapshot', dump, '-f', 'json', '-o', out];
  const [cmd, ...args] = gnuTime ? ['/usr/bin/time', '-f', 'PEAK_KB=%M', ...node] : node;
  const { stderr } = await promisify(execFile)(cmd!, args, { env: { ...process.env, CI: '1' }, maxBuffer: 16 << 20, timeout: 540_000 });
  const report = JSON.parse(readFileSync(out, 'utf8')) as { files: unknown[]; findings: { file: string; range: { startLine: number } }[] };
  assert.equal(report.files.length, 1, 'one dump');
  assert.ok(report.findings.length > objects, `${report.findings.length} findings on ${objects} objects`);
  assert.ok(report.findings.every((f) => f.file === dump && f.range.startLine > 1), 'each finding names the dump and the line of its object');
  const peak = /PEAK_KB=(\d+)/.exec(stderr);
  if (peak) {
    const mb = Number(peak[1]) / 1024;
    console.log(`50 MiB dump, ${objects} objects, ${report.findings.length} findings: peak RSS ${mb.toFixed(0)} MB`);
    assert.ok(mb < 900, `peak RSS ${mb.toFixed(0)} MB`);
  }
});
