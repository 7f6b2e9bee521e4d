import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeElf } from '../../binary/elf-writer.js';
import { assertGolden, catalogErr, catalogOk, fuzzCataloger, labImageFiles, localFile } from '../../test-kit.js';
import { readGoBuildInfo } from './buildinfo.js';
import { goBinary, stdlibVersion } from './go-binary.js';

const fx = (name: string): string => new URL(`fixtures/${name}`, import.meta.url).pathname;
// Real `.go.buildinfo` sections (objcopy --dump-section) of /usr/bin/kubectl (Go 1.23.8, module build)
// and the lab image's /usr/bin/fzf (Debian, Go 1.19.8, GOPATH build: no module lines).
const kubectlBlob = readFileSync(fx('kubectl.go.buildinfo'));
const fzfBlob = readFileSync(fx('fzf.go.buildinfo'));
// cmd/go's sentinels around modinfo, taken from the real blob: the 16 bytes after the header's strings.
const modStart = kubectlBlob.subarray(32 + 1 + 8 + 2, 32 + 1 + 8 + 2 + 16);
const modEnd = kubectlBlob.subarray(kubectlBlob.indexOf(Buffer.from('2C1')) - 1, kubectlBlob.indexOf(Buffer.from('2C1')) + 15);

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A Go 1.18+ inline `.go.buildinfo` section as cmd/link writes it. */
function inlineBlob(goVersion: string, modinfo: string): Buffer {
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8;
  header[15] = 2;
  const mod = Buffer.concat([modStart, Buffer.from(modinfo), modEnd]);
  return Buffer.concat([header, uvarint(goVersion.length), Buffer.from(goVersion), uvarint(mod.length), mod]);
}

/** A Go 1.13–1.17 `.go.buildinfo`: pointers to Go string headers {ptr, len} elsewhere in the image. */
function pointerElf(goVersion: string, modinfo: string, bits: 32 | 64, littleEndian: boolean): Buffer {
  const ptr = bits / 8;
  const infoAddr = 0x500000;
  const dataAddr = 0x600000;
  const version = Buffer.from(goVersion);
  const mod = Buffer.concat([modStart, Buffer.from(modinfo), modEnd]);
  const hdrs = Buffer.alloc(ptr * 4);
  const put = (b: Buffer, off: number, v: number): void => {
    if (ptr === 8) void (littleEndian ? b.writeBigUInt64LE(BigInt(v), off) : b.writeBigUInt64BE(BigInt(v), off));
    else void (littleEndian ? b.writeUInt32LE(v, off) : b.writeUInt32BE(v, off));
  };
  put(hdrs, 0, dataAddr + hdrs.length);
  put(hdrs, ptr, version.length);
  put(hdrs, ptr * 2, dataAddr + hdrs.length + version.length);
  put(hdrs, ptr * 3, mod.length);
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = ptr;
  header[15] = littleEndian ? 0 : 1;
  put(header, 16, dataAddr);
  put(header, 16 + ptr, dataAddr + ptr * 2);
  return writeElf(
    [
      { name: '.go.buildinfo', data: header, addr: infoAddr },
      { name: '.rodata', data: Buffer.concat([hdrs, version, mod]), addr: dataAddr, segmentFlags: 4 },
    ],
    { bits, littleEndian },
  );
}

const kubectlElf = writeElf([
  { name: '.text', data: Buffer.alloc(64, 0x90), addr: 0x401000, segmentFlags: 5 },
  { name: '.go.buildinfo', data: kubectlBlob, addr: 0x39cd000 },
]);

test('kubectl build info in a synthetic ELF: main module, stdlib, 82 deps (golden)', () => {
  const { packages } = catalogOk(goBinary, '/usr/bin/kubectl', kubectlElf);
  assert.equal(packages.length, 84);
  const [main, std] = packages;
  assert.equal(main.name, 'k8s.io/kubernetes');
  assert.equal(main.version, '', '"(devel)" is not a version');
  assert.equal(main.metadata?.rawVersion, '(devel)');
  assert.equal(main.metadata?.packagePath, 'k8s.io/kubernetes/cmd/kubectl-sdk');
  assert.deepEqual([std.name, std.version, std.purl, std.ecosystem], ['stdlib', '1.23.8', 'pkg:golang/stdlib@v1.23.8', 'Go']);
  const heredoc = packages.find((p) => p.name === 'github.com/MakeNowJust/heredoc');
  assert.equal(heredoc?.purl, 'pkg:golang/github.com/MakeNowJust/heredoc@v1.0.0');
  assert.equal(packages.filter((p) => p.metadata?.rawVersion === '(devel)').length, 9, 'main + 8 staging modules');
  assertGolden(packages, fx('kubectl.expected.json'));
});

test('GOPATH-mode build (Debian fzf): only stdlib, command path kept (golden)', () => {
  const elf = writeElf([{ name: '.go.buildinfo', data: fzfBlob, addr: 0x6b9950 }]);
  const { packages } = catalogOk(goBinary, '/usr/bin/fzf', elf);
  assert.deepEqual(packages.map((p) => `${p.name}@${p.version}`), ['stdlib@1.19.8']);
  assert.equal(packages[0].metadata?.packagePath, 'github.com/junegunn/fzf');
  assertGolden(packages, fx('fzf.expected.json'));
});

test('stripped section headers: build info found in the writable segment, same packages', () => {
  const stripped = writeElf([{ name: '.go.buildinfo', data: kubectlBlob, addr: 0x39cd000 }], { noSectionHeaders: true });
  const a = catalogOk(goBinary, '/usr/bin/kubectl', stripped).packages;
  const b = catalogOk(goBinary, '/usr/bin/kubectl', kubectlElf).packages;
  assert.deepEqual(a, b);
});

const REPLACED = [
  'path\texample.com/app/cmd/app',
  'mod\texample.com/app\tv1.4.0\th1:mainsum=',
  'dep\tgolang.org/x/net\tv0.17.0\th1:old=',
  '=>\tgithub.com/fork/net\tv0.23.0\th1:fork=',
  'dep\tgolang.org/x/text\tv0.3.0\th1:text=',
  '=>\t../text\t\t',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:errs=',
  'build\t-ldflags="-X main.version=1.4.0"',
  'build\t"key with space"=value',
  'build\tvcs.revision=abc123',
  '',
].join('\n');

function assertReplaced(pkgs: ReturnType<typeof catalogOk>['packages']): void {
  assert.deepEqual(
    pkgs.map((p) => `${p.name}@${p.version}`),
    ['example.com/app@v1.4.0', 'stdlib@1.17.13', 'github.com/fork/net@v0.23.0', 'golang.org/x/text@', 'github.com/pkg/errors@v0.9.1'],
  );
  assert.deepEqual(pkgs[2].metadata?.replaces, { path: 'golang.org/x/net', version: 'v0.17.0' });
  assert.equal(pkgs[2].metadata?.sum, 'h1:fork=');
  assert.equal(pkgs[3].metadata?.replacedBy, '../text');
  assert.equal(pkgs[3].metadata?.requiredVersion, 'v0.3.0');
  assert.deepEqual(pkgs[0].metadata?.buildSettings, { '-ldflags': '-X main.version=1.4.0', 'key with space': 'value', 'vcs.revision': 'abc123' });
}

test('replacements win; a local-directory replacement keeps the path without a version', () => {
  const elf = writeElf([{ name: '.go.buildinfo', data: inlineBlob('go1.17.13', REPLACED), addr: 0x500000 }]);
  assertReplaced(catalogOk(goBinary, '/app', elf).packages);
});

test('pre-1.18 pointer format, 64-bit LE and 32-bit BE, read through the segments', () => {
  for (const [bits, le] of [[64, true], [32, false], [32, true], [64, false]] as const) {
    assertReplaced(catalogOk(goBinary, '/app', pointerElf('go1.17.13', REPLACED, bits, le)).packages);
  }
});

test('PE and Mach-O: inline header found at an aligned offset', () => {
  const pe = Buffer.alloc(4096);
  pe.write('MZ', 0, 'latin1');
  const blob = inlineBlob('go1.22.1 X:loopvar', 'path\tx/cmd\nmod\tx\tv1.0.0\t\n');
  const file = Buffer.concat([pe, blob, Buffer.alloc(100)]);
  const { packages } = catalogOk(goBinary, 'C:/x.exe', file);
  assert.deepEqual(packages.map((p) => `${p.name}@${p.version}`), ['x@v1.0.0', 'stdlib@1.22.1']);
  const misaligned = Buffer.concat([pe, Buffer.alloc(3), blob]);
  assert.equal(catalogOk(goBinary, 'C:/x.exe', misaligned).packages.length, 0, 'only aligned headers count');
});

test('stdlib versions as the Go vulndb writes them', () => {
  const rows: [string, string | undefined][] = [
    ['go1.21.5', '1.21.5'],
    ['go1.20', '1.20.0'],
    ['go1.21rc2', '1.21.0-rc.2'],
    ['go1.22.1 X:loopvar', '1.22.1'],
    ['devel go1.23-abcdef Tue', undefined],
    ['gccgo', undefined],
  ];
  for (const [raw, want] of rows) assert.equal(stdlibVersion(raw), want, raw);
});

test('matches: executable regular files and .exe of plausible size', () => {
  const rows: [string, number, number, boolean][] = [
    ['/usr/bin/kubectl', 0o755, 57_000_000, true],
    ['/usr/share/doc/readme', 0o644, 5_000, false],
    ['/app/tool.exe', 0o644, 5_000_000, true],
    ['/usr/bin/tiny', 0o755, 10, false],
    ['/usr/bin/huge', 0o755, 600 * 1024 * 1024, false],
  ];
  for (const [path, mode, size, want] of rows) assert.equal(goBinary.matches(path, { mode, size }), want, path);
});

test('hostile siblings: scripts and non-Go ELF give nothing; broken headers give InputErrors', () => {
  assert.equal(catalogOk(goBinary, '/usr/bin/fzf-tmux', readFileSync(fx('not-elf.sh'))).packages.length, 0);
  assert.equal(catalogOk(goBinary, '/bin/c', writeElf([{ name: '.data', data: Buffer.alloc(64), addr: 0x1000 }])).packages.length, 0);
  catalogErr(goBinary, '/bin/t', kubectlElf.subarray(0, 40));
  const badLen = Buffer.from(kubectlBlob);
  badLen[32] = 0xff; // version length varint runs past the section
  badLen[33] = 0xff;
  badLen[34] = 0x7f;
  catalogErr(goBinary, '/bin/b', writeElf([{ name: '.go.buildinfo', data: badLen, addr: 0x1000 }]));
  const badPtr = pointerElf('go1.16', 'path\tx\n', 64, true);
  const r = readGoBuildInfo(Buffer.concat([badPtr.subarray(0, 0x60), Buffer.alloc(badPtr.length - 0x60)]), '/bin/p');
  assert.ok(!r.ok || r.value === undefined, 'zeroed pointers do not invent packages');
});

test('fuzz: mutated ELF + build info never throws, never hangs', () => {
  const small = writeElf([{ name: '.go.buildinfo', data: inlineBlob('go1.21.5', REPLACED), addr: 0x500000 }]);
  const a = fuzzCataloger(goBinary, '/f', small, 400, 11);
  const b = fuzzCataloger(goBinary, '/f', pointerElf('go1.16', REPLACED, 64, true), 400, 12);
  assert.ok(a.ok > 0 && a.errors > 0 && b.ok > 0 && b.errors > 0, JSON.stringify({ a, b }));
});

test('real: /usr/bin/kubectl of this machine gives the same 84 packages as its section', (t) => {
  const real = localFile('/usr/bin/kubectl');
  if (!real) return t.skip('no /usr/bin/kubectl here');
  const started = Date.now();
  const { packages } = catalogOk(goBinary, '/usr/bin/kubectl', real);
  t.diagnostic(`kubectl ${real.length} bytes: ${packages.length} packages in ${Date.now() - started} ms`);
  assert.deepEqual(packages, catalogOk(goBinary, '/usr/bin/kubectl', kubectlElf).packages);
});

test('real: Debian fzf and shfmt from the lab image give stdlib 1.19.8 and their command paths', async () => {
  const files = await labImageFiles(['/usr/bin/fzf', '/usr/bin/shfmt', '/usr/bin/python3.11']);
  const fzf = catalogOk(goBinary, '/usr/bin/fzf', files.get('/usr/bin/fzf')!).packages;
  const shfmt = catalogOk(goBinary, '/usr/bin/shfmt', files.get('/usr/bin/shfmt')!).packages;
  assert.deepEqual(fzf.map((p) => [p.name, p.version, p.metadata?.packagePath]), [['stdlib', '1.19.8', 'github.com/junegunn/fzf']]);
  assert.deepEqual(shfmt.map((p) => [p.name, p.version, p.metadata?.packagePath]), [['stdlib', '1.19.8', 'mvdan.cc/sh/v3/cmd/shfmt']]);
  assert.equal(catalogOk(goBinary, '/usr/bin/python3.11', files.get('/usr/bin/python3.11')!).packages.length, 0, 'a C binary is not Go');
});
