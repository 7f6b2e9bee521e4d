import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError, LimitError } from '@bulwark/core';
import { UPDATE_GOLDEN, seededRandom } from '@bulwark/core/testing';
import { envAt, expand, parseDockerfile, parseImageRef } from './parse.js';
import type { Dockerfile } from './parse.js';
import { scanDockerfile } from './scan.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): Buffer => readFileSync(join(here, 'fixtures', name));

function parsed(name: string): Dockerfile {
  const r = parseDockerfile(name, fixture(name));
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('multi-stage file: stages, ARG substitution before FROM, flags, heredocs, comments inside continuations', () => {
  const df = parsed('multistage.Dockerfile');
  assert.deepEqual(df.stages.map((s) => [s.name, s.image, s.platform, s.parent]), [
    ['build', 'golang:1.22-bookworm', '$BUILDPLATFORM', undefined],
    ['final', 'gcr.io/distroless/static-debian12:nonroot', undefined, undefined],
  ]);
  assert.deepEqual([...df.globalArgs], [['GO_VERSION', '1.22'], ['BASE', 'gcr.io/distroless/static-debian12']]);
  const runs = df.instructions.filter((i) => i.keyword === 'RUN');
  assert.deepEqual(runs[0]!.flags.map((f) => f.value), ['type=cache,target=/go/pkg/mod', 'type=bind,source=go.mod,target=go.mod']);
  assert.equal(runs[0]!.args, 'go mod download -x');
  assert.deepEqual(runs[0]!.range, { startLine: 9, endLine: 12 });
  assert.ok(df.comments.some((c) => c.line === 11 && c.text === '# download modules first'));
  assert.deepEqual(runs[1]!.heredocs.map((h) => [h.name, h.chomp, h.body.split('\n')[0], h.range]), [['EOF', false, 'set -eu', { startLine: 15, endLine: 17 }]]);
  assert.deepEqual(runs[1]!.range, { startLine: 14, endLine: 17 });
  const conf = df.instructions.find((i) => i.keyword === 'COPY' && i.heredocs.length > 0)!;
  assert.deepEqual(conf.heredocs.map((h) => [h.name, h.chomp, h.body]), [['CONF', true, 'listen = ":8080"']]);
  const copyFrom = df.stages[1]!.instructions.find((i) => i.keyword === 'COPY')!;
  assert.deepEqual(copyFrom.flags, [{ name: 'from', value: 'build' }]);
  assert.deepEqual(df.instructions.find((i) => i.keyword === 'ENTRYPOINT')!.json, ['/app']);
  assert.equal(envAt(df, runs[1]!).get('TARGETOS'), undefined, 'ARG without default and no global value stays unset');
});

test('escape directive: backtick continuations, backslashes are literal', () => {
  const df = parsed('escape.Dockerfile');
  assert.equal(df.escape, '`');
  const run = df.instructions.find((i) => i.keyword === 'RUN')!;
  assert.deepEqual(run.range, { startLine: 4, endLine: 5 });
  assert.match(run.args, /^Write-Host one;\s+Write-Host two$/);
  assert.equal(df.instructions.find((i) => i.keyword === 'WORKDIR')!.args, 'C:\\app');
});

test('ARG scoping: global defaults reach FROM and re-declared ARGs, ENV follows stage inheritance', () => {
  const df = parseDockerfile('Dockerfile', Buffer.from('ARG V=3.19\nARG IMG=alpine:${V}\nFROM $IMG AS base\nARG V\nENV A=${V:-x} B=${NOPE:-dflt} C=${V:+set}\nFROM base\nRUN true\n'));
  assert.ok(df.ok);
  assert.equal(df.value.stages[0]!.image, 'alpine:3.19');
  assert.equal(df.value.stages[1]!.parent, 0);
  const env = envAt(df.value, df.value.instructions[df.value.instructions.length - 1]!);
  assert.deepEqual([env.get('V'), env.get('A'), env.get('B'), env.get('C')], ['3.19', '3.19', 'dflt', 'set']);
});

test('expand and parseImageRef tables', () => {
  const vars = new Map([['A', '1'], ['E', '']]);
  const look = (n: string): string | undefined => vars.get(n);
  for (const [input, want] of [
    ['$A', '1'], ['${A}', '1'], ['${B:-d}', 'd'], ['${E:-d}', 'd'], ['${E-d}', ''], ['${A:+x}', 'x'], ['${B:+x}', ''], ['$B', '$B'], ['pre${A}post', 'pre1post'],
  ] as const) assert.equal(expand(input, look), want, input);
  assert.deepEqual(parseImageRef('debian'), { repository: 'debian' });
  assert.deepEqual(parseImageRef('localhost:5000/app:1.2'), { registry: 'localhost:5000', repository: 'app', tag: '1.2' });
  assert.deepEqual(parseImageRef('hub.docker.io/debian:latest@sha256:ab'), { registry: 'hub.docker.io', repository: 'debian', tag: 'latest', digest: 'sha256:ab' });
  assert.deepEqual(parseImageRef('library/ruby@sha256:f1'), { repository: 'library/ruby', digest: 'sha256:f1' });
});

test('malformed input gives an InputError naming file and line; size over the limit a LimitError', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['unknown instruction', 'FROM alpine:3.19\nFOO bar\n', /Dockerfile: line 2: unknown instruction FOO/],
    ['unterminated heredoc', 'FROM alpine:3.19\nRUN <<EOF\necho\n', /line 2: unterminated heredoc <<EOF/],
    ['bad escape directive', '# escape=x\nFROM alpine\n', /line 1: invalid escape directive/],
    ['ONBUILD without instruction', 'FROM alpine\nONBUILD\n', /line 2: ONBUILD requires an instruction/],
    ['binary', Buffer.from([0x46, 0x52, 0x00, 0x01]), /binary content/],
  ];
  for (const [name, input, msg] of cases) {
    const r = parseDockerfile('Dockerfile', typeof input === 'string' ? Buffer.from(input) : input);
    assert.ok(!r.ok, name);
    assert.ok(r.error instanceof InputError, name);
    assert.equal(r.error.file, 'Dockerfile');
    assert.match(r.error.message, msg, name);
  }
  const big = parseDockerfile('Dockerfile', Buffer.alloc(2048, 'RUN x\n'), { maxBytes: 1024 });
  assert.ok(!big.ok && big.error instanceof LimitError);
  const many = parseDockerfile('Dockerfile', Buffer.from('RUN x\n'.repeat(50)), { maxInstructions: 10 });
  assert.ok(!many.ok && many.error instanceof LimitError);
  const heredocs = parseDockerfile('Dockerfile', Buffer.from(`RUN ${'<<A '.repeat(100)}\n`), { maxHeredocs: 8 });
  assert.ok(!heredocs.ok && heredocs.error instanceof LimitError);
  assert.equal(scanDockerfile('Dockerfile', Buffer.from('FOO\n')).errors.length, 1);
});

test('lab-app Dockerfile (the real lab image recipe): findings match the golden file', () => {
  const name = 'lab-app.Dockerfile';
  const got = scanDockerfile(name, fixture(name)).findings.map((f) => ({ ruleId: f.ruleId, aliases: f.aliases, lines: [f.range.startLine, f.range.endLine], message: f.message, fixable: f.fixable }));
  const golden = join(here, 'fixtures', 'lab-app.expected.json');
  if (UPDATE_GOLDEN) writeFileSync(golden, JSON.stringify(got, null, 2) + '\n');
  assert.deepEqual(got, JSON.parse(readFileSync(golden, 'utf8')));
});

test('fuzz: seeded mutations and truncations of real fixtures never throw, never hang', () => {
  const seeds = ['multistage.Dockerfile', 'escape.Dockerfile', 'lab-app.Dockerfile'].map(fixture);
  const rnd = seededRandom(0xd0c4e5);
  const tokens = ['\\\n', '`\n', '<<EOF', '<<-X\n', '\nEOF\n', '"', "'", '$(', '${', '${A:-', '|', '&&', '\n#', '[', '["a",', '\0', 'ONBUILD ', '--mount=', '\t', '\r\n'];
  const started = Date.now();
  for (let k = 0; k < 600; k++) {
    const base = seeds[k % seeds.length]!.toString('utf8');
    let s = base;
    const ops = 1 + Math.floor(rnd() * 4);
    for (let o = 0; o < ops; o++) {
      const pos = Math.floor(rnd() * (s.length + 1));
      const r = rnd();
      if (r < 0.3) s = s.slice(0, pos);
      else if (r < 0.6) s = s.slice(0, pos) + tokens[Math.floor(rnd() * tokens.length)] + s.slice(pos);
      else if (r < 0.8) s = s.slice(0, pos) + s.slice(pos + Math.floor(rnd() * 20));
      else s = s.slice(0, pos) + String.fromCharCode(Math.floor(rnd() * 128)) + s.slice(pos + 1);
    }
    const ruleErrors: string[] = [];
    const out = scanDockerfile('fuzz.Dockerfile', Buffer.from(s), undefined, { onRuleError: (id, e) => ruleErrors.push(`${id}: ${String(e)}`) });
    assert.deepEqual(ruleErrors, [], s);
    for (const e of out.errors) assert.ok(e instanceof InputError);
  }
  assert.ok(Date.now() - started < 20_000, 'fuzz took too long');
});
