import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { goldenCases, hostileCases, matchCases } from '../../test-kit.js';
import { gemspec, parseGemspec } from './gemspec.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const SPECS = '/usr/local/bundle/specifications';

goldenCases(gemspec, fixtures, [
  { fixture: 'test-unit-3.3.7.gemspec', path: `${SPECS}/test-unit-3.3.7.gemspec` },
  { fixture: 'nokogiri-1.15.0-x86_64-linux.gemspec', path: `${SPECS}/nokogiri-1.15.0-x86_64-linux.gemspec` },
  { fixture: 'rake-0.8.7.gemspec', path: '/var/lib/gems/1.8/specifications/rake-0.8.7.gemspec' },
  { fixture: 'constant-version.gemspec', path: `${SPECS}/mygem-0.1.0.gemspec` },
  { fixture: 'truncated.gemspec', path: `${SPECS}/nokogiri-1.15.0-x86_64-linux.gemspec` },
]);

matchCases(gemspec, [
  [`${SPECS}/rack-2.2.8.gemspec`, true],
  ['/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec', true],
  ['vendor/bundle/ruby/3.2.0/specifications/rack-2.2.8.gemspec', true],
  ['myproject/mygem.gemspec', false],
  [`${SPECS}/rack-2.2.8.gemspec.bak`, false],
]);

hostileCases(gemspec, fixtures, 'nokogiri-1.15.0-x86_64-linux.gemspec', `${SPECS}/nokogiri-1.15.0-x86_64-linux.gemspec`);

test('ruby/gemspec: literal forms and what is not a literal', () => {
  const rows: [string, { name?: string; version?: string; licenses: string[] }][] = [
    ['s.name = "a".freeze\ns.version = "1.0"\ns.licenses = ["MIT".freeze, "Ruby".freeze]', { name: 'a', version: '1.0', licenses: ['MIT', 'Ruby'] }],
    ["spec.name = 'b' # comment\nspec.version = '2.0'\nspec.license = 'Apache-2.0'", { name: 'b', version: '2.0', licenses: ['Apache-2.0'] }],
    ['s.name = %q{c}\ns.version = %q<3.0>', { name: 'c', version: '3.0', licenses: [] }],
    ['s.name = NAME\ns.version = Foo::VERSION', { licenses: [] }],
    ['s.required_rubygems_version = "1.0"\ns.rubygems_version = "3.4"\ns.installed_by_version = "3.4"', { licenses: [] }],
    ['s.name = "d" + "e"', { licenses: [] }],
  ];
  for (const [text, want] of rows) {
    const { platform: _p, ...got } = parseGemspec(text);
    assert.deepEqual(got, want, text);
  }
});
