import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BULWARK_VERSION } from '@bulwark/core';
import { buildProgram } from '../main.js';
import { runCli } from './run-cli.js';

function commandPaths(): string[][] {
  const out: string[][] = [];
  const walk = (cmd: ReturnType<typeof buildProgram>, path: string[]): void => {
    out.push(path);
    for (const c of cmd.commands) walk(c as ReturnType<typeof buildProgram>, [...path, c.name()]);
  };
  walk(buildProgram(), []);
  return out;
}

test('every command and sub-command answers --help with its usage and exit 0', () => {
  const paths = commandPaths();
  assert.ok(paths.length >= 12, `expected the full command tree, got ${paths.length}`);
  for (const path of paths) {
    const r = runCli([...path, '--help']);
    assert.equal(r.status, 0, `${path.join(' ')} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage: bulwark${path.length ? ' ' + path.join(' ') : ''}`), path.join(' '));
  }
});

test('bulwark version and --version print the release', () => {
  assert.equal(runCli(['version']).stdout, `bulwark ${BULWARK_VERSION}\n`);
  assert.equal(runCli(['--version']).stdout.trim(), BULWARK_VERSION);
});

test('version compare prints <, = or > by the rules of the ecosystem', () => {
  const rows: [string, string, string, string][] = [
    ['Debian', '1.0~rc1', '1.0', '<'],
    ['Debian', '1:1.0', '2.0', '>'],
    ['Ubuntu', '2.36-9+deb12u4', '2.36-9+deb12u10', '<'],
    ['Alpine', '1.2.3-r1', '1.2.3_p1-r0', '<'],
    ['Red Hat', '1:1.0-1.el9', '1.0-1.el9', '>'],
    ['PyPI', '1.0.post1', '1.0', '>'],
    ['PyPI', '1.0', '1.0.0', '='],
    ['npm', '1.2.3-rc.1', '1.2.3', '<'],
    ['Maven', '1.0-SNAPSHOT', '1.0', '<'],
    ['Go', 'v1.21.5', 'v1.21.10', '<'],
    ['RubyGems', '1.0.0.beta', '1.0.0', '<'],
    ['crates.io', '0.14.10', '0.14.9', '>'],
  ];
  for (const [eco, a, b, want] of rows) {
    const r = runCli(['version', 'compare', eco, a, b]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), want, `${eco} ${a} ${b}`);
  }
});

test('version compare names the bad version or ecosystem and exits 2', () => {
  const bad = runCli(['version', 'compare', 'npm', 'not a version!', '1.0.0']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /npm version "not a version!": not a semver version/);
  const eco = runCli(['version', 'compare', 'Cobol', '1', '2']);
  assert.equal(eco.status, 2);
  assert.match(eco.stderr, /unknown ecosystem "Cobol"/);
});

test('version compare --batch answers JSON lines in order, errors in place', () => {
  const input = [
    JSON.stringify({ ecosystem: 'Debian', a: '1.0~rc1', b: '1.0' }),
    JSON.stringify({ ecosystem: 'npm', a: '2.0.0', b: '1.9.9' }),
    'not json',
    JSON.stringify({ ecosystem: 'PyPI', a: '1.0', b: '1.0.0' }),
  ].join('\n');
  const r = runCli(['version', 'compare', '--batch'], { input });
  assert.equal(r.status, 2, 'a bad line makes the exit code non-zero');
  assert.deepEqual(r.stdout.trim().split('\n'), ['<', '>', 'error: line 3: expected a JSON object {"ecosystem","a","b"}', '=']);
});

test('unknown flags and commands are usage errors (exit 2)', () => {
  assert.equal(runCli(['scan', 'image', 'x.tar', '--no-such-flag']).status, 2);
  assert.equal(runCli(['frobnicate']).status, 2);
});
