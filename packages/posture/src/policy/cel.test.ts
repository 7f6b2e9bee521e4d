import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@bulwark/core/testing';
import { CelCompileError, CelEvalError, compileCel, toCel } from './cel.js';
import { parseQuantity } from './quantity.js';
import { Re2SyntaxError, compileRe2 } from './re2.js';

function run(expr: string, object: unknown = {}): unknown {
  const sizes = { collection: 0, string: 0 };
  const o = toCel(object, sizes);
  return compileCel(expr).evaluate({ object: o, oldObject: null, params: null, namespaceObject: null, request: null, variables: {} }, sizes);
}

const js = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)));

test('the CEL library Kubernetes policies rely on: macros, strings, numbers, optionals, `in`', () => {
  const object = { metadata: { name: 'web', labels: { team: 'a', tier: 'Backend' } }, spec: { replicas: 3, ratio: 0.5, containers: [{ name: 'a', image: 'nginx:1.2' }, { name: 'b', image: 'redis' }] } };
  const rows: [string, unknown][] = [
    ['has(object.metadata.labels) && !has(object.metadata.annotations)', true],
    ['has(object.spec.containers[0].image) && !has(object.spec.containers[1].ports)', true],
    ['object.spec.containers.all(c, c.name.size() == 1)', true],
    ['object.spec.containers.exists(c, c.image.endsWith(":1.2"))', true],
    ['object.spec.containers.exists_one(c, c.image.contains(":"))', true],
    ['object.spec.containers.map(c, c.name)', ['a', 'b']],
    ['object.spec.containers.filter(c, !c.image.contains(":")).map(c, c.image)', ['redis']],
    ['object.metadata.name.startsWith("we") && object.metadata.name.matches("^[a-z]+$")', true],
    ['object.metadata.labels.tier.lowerAscii()', 'backend'],
    ['"a,b,c".split(",").join("-")', 'a-b-c'],
    ['size(object.spec.containers) + object.spec.containers.size()', 4],
    ['object.spec.replicas >= 2 && type(object.spec.replicas) == int', true],
    ['object.spec.ratio < 1 && type(object.spec.ratio) == double', true],
    ['int("42") + 1', 43],
    ['uint(5) + 1u == 6u', true],
    ['double("2.5") * 2.0', 5],
    ['duration("1h") > duration("59m") && duration("90s").getSeconds() == 90', true],
    ['"team" in object.metadata.labels && "x" in ["x", "y"]', true],
    ['object.metadata.?labels.team.hasValue() && !object.metadata.?annotations.owner.hasValue()', true],
    ['object.metadata.?annotations.owner.orValue("none")', 'none'],
    ['object.metadata.labels[?"team"].orValue("")', 'a'],
    ['object.?status.?phase', null],
    ['object.spec.replicas == 3.0 && dyn(object.spec.replicas) == 3', true],
  ];
  for (const [expr, want] of rows) assert.deepEqual(js(run(expr, object)), want, expr);
});

test('Kubernetes extension functions: lists, regex, strings, URLs, quantities', () => {
  const rows: [string, unknown][] = [
    ['[1, 2, 2, 3].isSorted() && !["b", "a"].isSorted()', true],
    ['[1, 2, 3].sum() == 6 && [1.5, 2.5].sum() == 4.0', true],
    ['[3, 1, 2].min() == 1 && ["b", "c", "a"].max() == "c"', true],
    ['[1, 2, 3, 2].indexOf(2) == 1 && [1, 2, 3, 2].lastIndexOf(2) == 3 && [1].indexOf(9) == -1', true],
    ['"abc 123 def 45".find("[0-9]+")', '123'],
    ['"abc 123 def 45".findAll("[0-9]+")', ['123', '45']],
    ['"abc 123 def 45".findAll("[0-9]+", 1)', ['123']],
    ['"abc".find("z")', ''],
    ['"héllo".charAt(1) + "abc".reverse()', 'écba'],
    ['"a-b-c".replace("-", "_") + "|" + "a-b-c".replace("-", "_", 1)', 'a_b_c|a_b-c'],
    ['isURL("https://example.com:8443/a/b?x=1&x=2") && !isURL("not a url") && isURL("/relative/path")', true],
    ['url("https://example.com:8443/a/b?x=1&x=2").getScheme()', 'https'],
    ['url("https://example.com:8443/a/b?x=1&x=2").getHost()', 'example.com:8443'],
    ['url("https://[::1]:80/").getHostname()', '::1'],
    ['url("https://example.com:8443/a/b").getPort()', '8443'],
    ['url("https://example.com/a%20b/c").getEscapedPath()', '/a%20b/c'],
    ['url("https://example.com/?x=1&x=2&y=3").getQuery()', { x: ['1', '2'], y: ['3'] }],
    ['quantity("1Gi").isGreaterThan(quantity("1000Mi")) && quantity("500m").isLessThan(quantity("1"))', true],
    ['quantity("1.5").compareTo(quantity("1500m")) == 0 && quantity("1Gi") == quantity("1024Mi")', true],
    ['quantity("2k").asInteger() + quantity("1e3").asInteger()', 3000],
    ['quantity("250m").asApproximateFloat()', 0.25],
    ['quantity("1").add(quantity("500m")).isInteger() || quantity("3").sub(1).asInteger() == 2', true],
    ['quantity("-1").sign() == -1 && isQuantity("10Mi") && !isQuantity("10MB")', true],
  ];
  for (const [expr, want] of rows) assert.deepEqual(js(run(expr)), want, expr);
});

test('compile errors carry the offset of the problem', () => {
  const rows: [string, RegExp, number | undefined][] = [
    ['object.a +', /Unexpected token: EOF/, 10],
    ['object.a.bogus()', /found no matching overload for 'dyn\.bogus\(\)'/, 0],
    ['authorizer.group("")', /Unknown variable: authorizer/, 0],
    ['object.x.matches("(?<=a)b")', /invalid RE2 pattern/, 17],
    ['matches(object.x, "a{1001}")', /invalid repeat count/, 18],
    ['"x".find("(")', /missing closing \)/, 9],
    ['', /empty expression/, 0],
  ];
  for (const [expr, msg, offset] of rows) {
    assert.throws(() => compileCel(expr), (e: unknown) => e instanceof CelCompileError && msg.test(e.message) && e.offset === offset, expr);
  }
});

test('has() over a computed operand and the method form of matches() are rewritten, keeping offsets', () => {
  assert.equal(run('has(object.items[1].x)', { items: [{}, { x: 1 }] }), true);
  assert.equal(run('has(object.items[0].x)', { items: [{}, { x: 1 }] }), false);
  assert.throws(() => run('has(object.items[5].x)', { items: [] }), CelEvalError);
  // a type error after the rewrite still points into the original text
  assert.throws(() => compileCel('has(object.items[0].x) && object.name.matches("a").bogus()'), (e: unknown) => e instanceof CelCompileError && /bogus/.test(e.message) && !/re2Matches/.test(e.message));
});

test('run-time errors are CelEvalErrors; the cost estimate refuses nested comprehensions over big lists', () => {
  assert.throws(() => run('object.missing == 1'), (e: unknown) => e instanceof CelEvalError && /No such key: missing/.test(e.message));
  assert.throws(() => run('1 / (object.n - object.n) == 0', { n: 2 }), (e: unknown) => e instanceof CelEvalError && /division by zero/.test(e.message));
  assert.throws(() => run('object.v.matches(object.p)', { v: 'a', p: '(a' }), (e: unknown) => e instanceof CelEvalError && /invalid RE2/.test(e.message));
  assert.throws(() => run('[9223372036854775807].sum() + 1 > 0'), CelEvalError);
  const big = { l: Array.from({ length: 400 }, (_, i) => i) };
  assert.equal(run('object.l.all(a, object.l.exists(b, a == b))', big), true);
  assert.throws(() => run('object.l.all(a, object.l.all(b, object.l.all(c, a + b + c >= 0)))', big), (e: unknown) => e instanceof CelEvalError && /estimated cost/.test(e.message));
});

test('objects reach CEL without prototypes: no inherited property is visible', () => {
  for (const expr of ['object.constructor', 'object.__proto__', 'object.toString', 'object.hasOwnProperty']) {
    assert.throws(() => run(expr, { a: 1 }), CelEvalError, expr);
  }
  const evil = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
  assert.equal(run('"__proto__" in object && object.a == 1', evil), true);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

// ---------- RE2 ----------

test('RE2 engine: Go regexp semantics on a table of patterns', () => {
  const rows: [string, string, string | undefined, string[]][] = [
    ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', 'my-app.example.com', 'my-app.example.com', ['my-app.example.com']],
    ['(a|ab)(c|bcd)', 'abcd', 'abcd', ['abcd']],
    ['a*?', 'aaa', '', ['', '', '', '']],
    ['x*', 'axb', '', ['', 'x', '']],
    ['\\bfoo\\b', 'a foo b foob', 'foo', ['foo']],
    ['(?i)nginx', 'NGINX:latest', 'NGINX', ['NGINX']],
    [':latest$', 'app:latest\n', undefined, []],
    ['(?m)^b$', 'a\nb\nc', 'b', ['b']],
    ['[[:digit:]]+', 'ab123c45', '123', ['123', '45']],
    ['\\d{2,3}', '12345', '123', ['123', '45']],
    ['x{2,}?', 'xxxxx', 'xx', ['xx', 'xx']],
    ['\\p{Greek}+', 'abc αβγ', 'αβγ', ['αβγ']],
    ['\\Qa.b\\E', 'xa.b axb', 'a.b', ['a.b']],
    ['[^a-c]+', 'abcdef', 'def', ['def']],
    ['(?s)a.b', 'a\nb', 'a\nb', ['a\nb']],
    ['a.b', 'a\nb', undefined, []],
    ['\\x41\\x{42}', 'xAB', 'AB', ['AB']],
    ['[\\d\\s]+', 'a 1 2b', ' 1 2', [' 1 2']],
    ['(?:ab)+$', 'abab', 'abab', ['abab']],
  ];
  for (const [pattern, text, first, all] of rows) {
    const re = compileRe2(pattern);
    assert.equal(re.test(text), first !== undefined, `${pattern} test`);
    assert.equal(re.find(text), first, `${pattern} find`);
    assert.deepEqual(re.findAll(text), all, `${pattern} findAll`);
  }
});

test('RE2 engine: Perl-only and malformed syntax are errors', () => {
  for (const bad of ['(a', 'a)', '(?=x)', '(?<!x)y', '\\1', 'a**', 'a{2}{3}', '[a', 'x{1001}', '(?P=n)', '\\e', '*a', '[z-a]', '\\p{Nope}', '((((a{100}){100}){100}))']) {
    assert.throws(() => compileRe2(bad), Re2SyntaxError, bad);
  }
});

test('RE2 engine: linear time on patterns that make backtracking engines explode', () => {
  for (const [pattern, text] of [['^(a+)+$', 'a'.repeat(20_000) + '!'], ['(a|aa)*c', 'a'.repeat(20_000)], ['(x+x+)+y', 'x'.repeat(5_000)]] as const) {
    const started = Date.now();
    assert.equal(compileRe2(pattern).test(text), false);
    assert.ok(Date.now() - started < 2000, `${pattern}: ${Date.now() - started} ms`);
  }
});

test('fuzz: the RE2 engine agrees with JavaScript RegExp on the common subset', () => {
  const rand = seededRandom(0x2e2);
  const atoms = ['a', 'b', '.', '[ab]', '[^a]', '\\d', 'x', '(a|b)', '(?:ab)', '\\.'];
  const quants = ['', '', '*', '+', '?', '{1,2}', '*?', '+?'];
  let compared = 0;
  for (let i = 0; i < 500; i++) {
    let pattern = rand() < 0.2 ? '^' : '';
    for (let k = 0; k < 1 + Math.floor(rand() * 5); k++) pattern += atoms[Math.floor(rand() * atoms.length)]! + quants[Math.floor(rand() * quants.length)]!;
    if (rand() < 0.2) pattern += '$';
    const text = Array.from({ length: Math.floor(rand() * 12) }, () => 'ab1x.'[Math.floor(rand() * 5)]).join('');
    const mine = compileRe2(pattern);
    const theirs = new RegExp(pattern);
    assert.equal(mine.test(text), theirs.test(text), `${pattern} on ${JSON.stringify(text)}`);
    assert.equal(mine.find(text), theirs.exec(text)?.[0], `${pattern} find on ${JSON.stringify(text)}`);
    compared++;
  }
  assert.equal(compared, 500);
});

// ---------- quantities ----------

test('quantities: Kubernetes suffixes and exponents, exact in nano-units', () => {
  const rows: [string, bigint | undefined][] = [
    ['1', 1_000_000_000n],
    ['500m', 500_000_000n],
    ['1.5', 1_500_000_000n],
    ['1Ki', 1_024_000_000_000n],
    ['2Gi', 2n * 1024n ** 3n * 1_000_000_000n],
    ['1e3', 1_000_000_000_000n],
    ['1E-3', 1_000_000n],
    ['100n', 100n],
    ['1u', 1_000n],
    ['-2k', -2_000_000_000_000n],
    ['.5', 500_000_000n],
    ['0.1n', 1n],
    ['10MB', undefined],
    ['', undefined],
    ['1 Gi', undefined],
    ['Gi', undefined],
  ];
  for (const [s, nanos] of rows) assert.equal(parseQuantity(s)?.nanos, nanos, s);
});
