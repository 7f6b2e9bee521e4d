import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeElf } from '../../binary/elf-writer.js';
import { assertGolden, catalogErr, catalogOk, fuzzCataloger, labImageFiles, localFile } from '../../test-kit.js';
import { originalElf, packUpx } from '../../binary/upx/upx-writer.js';
import { ensureTrivy } from '../../../../../../scripts/peers/trivy.js';
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

/** kubectl's real build info in the data segment of a small program, packed in UPX's layout (stored blocks). */
function packedKubectl(blockSize = 1024): Buffer {
  return packUpx(
    originalElf({
      segments: [
        { flags: 5, vaddr: 0x401000, data: Buffer.alloc(2000, 0x90) },
        { flags: 4, vaddr: 0x1d25000, data: Buffer.from('rodata '.repeat(50)) },
        { flags: 6, vaddr: 0x39cd000, data: Buffer.concat([kubectlBlob, Buffer.alloc(300)]) },
      ],
    }),
    { blockSize },
  );
}

test('UPX-packed: build info found in the unpacked data segment, packages marked packer "upx"', () => {
  const unpacked = catalogOk(goBinary, '/usr/bin/kubectl', kubectlElf).packages;
  for (const blockSize of [1024, 0x40000]) {
    const packed = catalogOk(goBinary, '/usr/bin/kubectl', packedKubectl(blockSize)).packages;
    assert.equal(packed.length, 84);
    assert.ok(packed.every((p) => p.metadata?.packer === 'upx'));
    assert.deepEqual(packed.map(({ metadata, ...p }) => ({ ...p, metadata: { ...metadata, packer: undefined } })), unpacked.map((p) => ({ ...p, metadata: { ...p.metadata, packer: undefined } })));
  }
  assert.equal(goBinary.version, 2, 'output changed: version bumped');
});

test('UPX-packed pre-1.18 pointer format: strings read through the unpacked read-only segment', () => {
  const roAddr = 0x600000;
  const version = Buffer.from('go1.17.13');
  const mod = Buffer.concat([modStart, Buffer.from(REPLACED), modEnd]);
  const hdrs = Buffer.alloc(32);
  hdrs.writeBigUInt64LE(BigInt(roAddr + 32), 0);
  hdrs.writeBigUInt64LE(BigInt(version.length), 8);
  hdrs.writeBigUInt64LE(BigInt(roAddr + 32 + version.length), 16);
  hdrs.writeBigUInt64LE(BigInt(mod.length), 24);
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8;
  header.writeBigUInt64LE(BigInt(roAddr), 16);
  header.writeBigUInt64LE(BigInt(roAddr + 16), 24);
  const elf = originalElf({
    segments: [
      { flags: 5, vaddr: 0x401000, data: Buffer.alloc(500, 0xcc) },
      { flags: 4, vaddr: roAddr, data: Buffer.concat([hdrs, version, mod]) },
      { flags: 6, vaddr: 0x800000, data: header },
    ],
  });
  const packages = catalogOk(goBinary, '/app', packUpx(elf, { blockSize: 256 })).packages;
  assert.equal(packages[1].version, '1.17.13');
  assertReplaced(packages);
});

test('UPX-packed hostile siblings: corrupt packed data is an InputError, a packed non-Go program gives nothing', () => {
  const good = packedKubectl();
  const corrupt = Buffer.from(good);
  corrupt.writeUInt32LE(0xffff, 64 + 12 + 8); // p_blocksize no longer fits the file
  let sum = 0;
  for (let i = 4; i < 31; i++) sum += corrupt[corrupt.length - 36 + i];
  corrupt[corrupt.length - 36 + 31] = sum % 251;
  assert.match(catalogErr(goBinary, '/bin/k', corrupt).message, /p_blocksize/);
  const c = packUpx(originalElf({ segments: [{ flags: 5, vaddr: 0x401000, data: Buffer.alloc(100, 1) }, { flags: 6, vaddr: 0x600000, data: Buffer.alloc(100) }] }));
  assert.equal(catalogOk(goBinary, '/bin/c', c).packages.length, 0);
  const f = fuzzCataloger(goBinary, '/bin/k', good, 300, 21);
  assert.ok(f.ok > 0 && f.errors > 0, JSON.stringify(f));
});

test('real: the UPX-packed Trivy build (Go 1.25.4, 355 modules) is read without unpacking all of it', (t) => {
  const data = readFileSync(ensureTrivy());
  const started = performance.now();
  const { packages } = catalogOk(goBinary, '/usr/local/bin/trivy', data, 0o755);
  const ms = performance.now() - started;
  t.diagnostic(`trivy ${data.length} bytes (UPX 5.02, LZMA): ${packages.length} packages in ${ms.toFixed(0)} ms`);
  assert.equal(packages.length, 357, 'main module, stdlib and 355 dependencies');
  const [main, std] = packages;
  assert.deepEqual([main.name, main.version, main.metadata?.rawVersion], ['trivy-cdxgen', '', '(devel)']);
  assert.deepEqual([std.name, std.version, std.purl], ['stdlib', '1.25.4', 'pkg:golang/stdlib@v1.25.4']);
  const has = (name: string, version: string): void => assert.ok(packages.some((p) => p.name === name && p.version === version), `${name}@${version}`);
  has('github.com/aquasecurity/trivy', 'v0.44.1');
  has('github.com/aquasecurity/trivy-db', 'v0.0.0-20230823084507-315928e846ff');
  has('github.com/google/go-containerregistry', 'v0.16.1');
  has('github.com/spf13/cobra', 'v1.7.0');
  assert.ok(packages.every((p) => p.metadata?.packer === 'upx' && p.metadata?.goVersion === 'go1.25.4'));
  assert.equal((main.metadata?.buildSettings as Record<string, string>)['vcs.revision'], '349d1721988a499679650716cd97bfc85487f143');
  assert.ok(ms < 2000, `${ms} ms`);
});
