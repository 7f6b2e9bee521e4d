import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasFlag, parseShell, positional, tokenize } from './shell.js';

const simple = (s: string): string[][] => parseShell(s).map((c) => [c.name, ...c.args]);

test('parseShell: operators, quotes, escapes, comments, redirections', () => {
  const rows: [string, string[][]][] = [
    ['apt-get update && apt-get install -y curl', [['apt-get', 'update'], ['apt-get', 'install', '-y', 'curl']]],
    ['a;b||c|d & e', [['a'], ['b'], ['c'], ['d'], ['e']]],
    [`echo "a b" 'c d' e\\ f`, [['echo', 'a b', 'c d', 'e f']]],
    ['x="0\\"" cmd', [['cmd']]],
    ['curl -s https://x > /out 2>&1 && ls', [['curl', '-s', 'https://x'], ['ls']]],
    ['make \\\n  install # trailing comment\nls', [['make', 'install'], ['ls']]],
    ['echo $(date +%s) `id -u`', [['echo', '$(date +%s)', '`id -u`']]],
    ['if [ -f x ]; then rm x; fi', [['[', '-f', 'x', ']'], ['rm', 'x']]],
    ['zypper install -y tomcat\\<9.0', [['zypper', 'install', '-y', 'tomcat<9.0']]],
  ];
  for (const [input, want] of rows) assert.deepEqual(simple(input), want, input);
});

test('parseShell: assignments, export, wrappers and sh -c bodies', () => {
  const c = parseShell('A=1 B="x y" pip install z');
  assert.deepEqual(c[0]!.assignments, [['A', '1'], ['B', 'x y']]);
  assert.equal(c[0]!.name, 'pip');
  assert.deepEqual(parseShell('export PIP_NO_CACHE_DIR=0 && pip install x')[0]!.assignments, [['PIP_NO_CACHE_DIR', '0']]);
  assert.deepEqual(simple('sudo -u app apt-get install git'), [['sudo', '-u', 'app', 'apt-get', 'install', 'git'], ['apt-get', 'install', 'git']]);
  assert.equal(parseShell('sudo apt-get install git')[1]!.via, 'sudo');
  assert.deepEqual(simple('bash -c "cd /x && make"').slice(1), [['cd', '/x'], ['make']]);
  assert.equal(parseShell('a | b')[1]!.after, '|');
});

test('positional and hasFlag', () => {
  assert.deepEqual(positional(['-t', 'bp', 'install', '-y', 'x', '--', '-z'], new Set(['-t'])), ['install', 'x', '-z']);
  assert.ok(hasFlag(['-yq'], ['--yes'], 'y'));
  assert.ok(hasFlag(['--setopt=x'], ['--setopt']));
  assert.ok(!hasFlag(['--', '-y'], ['--yes'], 'y'));
  assert.ok(!hasFlag(['--yesno'], ['--yes'], ''));
});

test('tokenize never throws on unbalanced input', () => {
  for (const s of ['"', "'", '$(', '`', '\\', 'a > ', '((', 'a &>']) assert.doesNotThrow(() => tokenize(s), s);
});
