// `npm run bench`: scan speed and memory of Bulwark next to Trivy and next to the floor (just unpacking the
// layers), all measured in this run on this machine. Figures are medians of BULWARK_BENCH_RUNS runs (default 3).
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, createReadStream, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, sharedDir } from '@bulwark/core/testing';
import { defaultDbPath } from '@bulwark/core';
import { ensureTrivy } from '../peers/trivy.js';
import { measure, measureMedian, type Measurement } from './measure.js';
import { benchConfig } from './config.js';
import { benchPlatform } from './platform.js';
import { benchConsole } from './console.js';

const runs = Number(process.env.BULWARK_BENCH_RUNS ?? 3);
const bulwark = join(REPO_ROOT, 'bin/bulwark');

function fmt(m: Measurement): string {
  return `${(m.wallMs / 1000).toFixed(2)} s${m.peakRssMb !== undefined ? `, ${m.peakRssMb.toFixed(0)} MB` : ''}`;
}
function ratio(a: Measurement, b: Measurement): string {
  return `${(a.wallMs / b.wallMs).toFixed(2)}×`;
}
function check(m: Measurement, what: string): Measurement {
  if (m.status !== 0) throw new Error(`${what} failed (exit ${m.status}): ${m.stderr.slice(0, 2000)}`);
  return m;
}

async function ensureDb(work: string): Promise<string> {
  const configured = process.env.BULWARK_DB ?? defaultDbPath();
  if (existsSync(configured)) return configured;
  const db = join(work, 'bench.db');
  process.stdout.write(`no vulnerability database at ${configured}; importing ${join(sharedDir(), 'vulndb')} into ${db} (not timed)\n`);
  execFileSync(process.execPath, [bulwark, 'db', 'import', join(sharedDir(), 'vulndb'), '--db', db], { stdio: 'inherit' });
  return db;
}

async function benchImage(gz: string, work: string, db: string, trivy: string): Promise<void> {
  const name = basename(gz).replace(/\.tar\.gz$/, '');
  const tar = join(work, `${name}.tar`);
  await pipeline(createReadStream(gz), createGunzip(), createWriteStream(tar));
  const listing = execFileSync('tar', ['-xOf', tar, 'manifest.json'], { encoding: 'utf8' });
  const layers = (JSON.parse(listing) as { Layers: string[] }[])[0]!.Layers;
  const untarLayers = `for l in ${layers.map((l) => `'${l}'`).join(' ')}; do tar -xf "$1/$l" -C "$2" 2>/dev/null || true; done`;

  let n = 0;
  const fresh = (tag: string): string => join(work, `${tag}-${n++}`);
  const floor = measureMedian(runs, () => {
    const out = fresh('floor');
    const m = measure('bash', ['-c', `mkdir -p "$1" "$2" && tar -xf "$0" -C "$1" && ${untarLayers}`, tar, out + '/img', out + '/root']);
    rmSync(out, { recursive: true, force: true });
    return check(m, 'floor (tar -x)');
  });
  const floorGz = measureMedian(runs, () => {
    const out = fresh('floorgz');
    const m = measure('bash', ['-c', `mkdir -p "$1" "$2" && gunzip -c "$0" | tar -x -C "$1" && ${untarLayers}`, gz, out + '/img', out + '/root']);
    rmSync(out, { recursive: true, force: true });
    return check(m, 'floor (gunzip | tar -x)');
  });
  const trivySbom = measureMedian(runs, () => {
    const cache = fresh('trivy-cache');
    const m = measure(trivy, ['image', '--input', tar, '--format', 'cyclonedx', '--scanners', 'license', '--cache-dir', cache, '-q', '-o', '/dev/null']);
    rmSync(cache, { recursive: true, force: true });
    return check(m, 'trivy');
  });
  const env = { ...process.env, BULWARK_DB: db, CI: '1' };
  const scanArgs = (cache: string, target: string): string[] => [bulwark, 'scan', 'image', target, '--format', 'json', '-o', '/dev/null', '--cache-dir', cache];
  const cold = measureMedian(runs, () => {
    const cache = fresh('bw-cache');
    const m = measure(process.execPath, scanArgs(cache, tar), { env });
    rmSync(cache, { recursive: true, force: true });
    return check(m, 'bulwark cold scan');
  });
  const coldGz = measureMedian(runs, () => {
    const cache = fresh('bw-cache');
    const m = measure(process.execPath, scanArgs(cache, gz), { env });
    rmSync(cache, { recursive: true, force: true });
    return check(m, 'bulwark cold scan (.tar.gz)');
  });
  const warmCache = fresh('bw-warm');
  check(measure(process.execPath, scanArgs(warmCache, tar), { env }), 'bulwark warm-up');
  const warm = measureMedian(runs, () => check(measure(process.execPath, scanArgs(warmCache, tar), { env }), 'bulwark warm scan'));

  const rows: [string, string, string][] = [
    ['floor: untar image + layers (.tar)', fmt(floor), '1.00×'],
    ['floor: gunzip + untar (.tar.gz)', fmt(floorGz), ratio(floorGz, floor)],
    ['trivy image --format cyclonedx (SBOM only)', fmt(trivySbom), ratio(trivySbom, floor)],
    ['bulwark scan image, cold (.tar)', fmt(cold), ratio(cold, floor)],
    ['bulwark scan image, cold (.tar.gz)', fmt(coldGz), ratio(coldGz, floorGz) + ' of gz floor'],
    ['bulwark scan image, warm (.tar)', fmt(warm), ratio(warm, floor)],
  ];
  process.stdout.write(`\n## ${name} (${(readFileSync(tar).length / 1e6).toFixed(0)} MB tar, ${layers.length} layers; median of ${runs})\n`);
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(46)} ${b.padStart(18)} ${c.padStart(14)}\n`);
  const vsTrivy = cold.wallMs / trivySbom.wallMs;
  const vsFloor = cold.wallMs / floor.wallMs;
  process.stdout.write(`bulwark cold / trivy SBOM: ${vsTrivy.toFixed(2)}× (target ≤ 0.50×) ${vsTrivy <= 0.5 ? 'MET' : 'NOT MET'}\n`);
  process.stdout.write(`bulwark cold / floor:      ${vsFloor.toFixed(2)}× (target ≤ 1.50×) ${vsFloor <= 1.5 ? 'MET' : 'NOT MET'}\n`);
  process.stdout.write(`bulwark warm / cold:       ${(warm.wallMs / cold.wallMs).toFixed(2)}×\n`);
}

async function mainBench(): Promise<void> {
  const imagesDir = join(sharedDir(), 'lab', 'images');
  const images = readdirSync(imagesDir).filter((f) => f.endsWith('.tar.gz')).map((f) => join(imagesDir, f));
  if (images.length === 0) throw new Error(`no images in ${imagesDir}`);
  const work = mkdtempSync(join(tmpdir(), 'bulwark-bench-'));
  try {
    if (!existsSync(join(REPO_ROOT, 'packages/cli/dist/bulwark.mjs'))) execFileSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
    const trivy = ensureTrivy();
    process.stdout.write(`# Bulwark scan benchmark (${new Date().toISOString()}, node ${process.version})\n`);
    // BULWARK_BENCH_ONLY=image|config|platform|console runs one part
    const only = process.env.BULWARK_BENCH_ONLY;
    if (!only || only === 'image') {
      const db = await ensureDb(work);
      for (const gz of images) await benchImage(gz, work, db, trivy);
    }
    if (!only || only === 'config') benchConfig(trivy, runs);
    if (!only || only === 'platform') await benchPlatform();
    if (!only || only === 'console') await benchConsole();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await mainBench();
