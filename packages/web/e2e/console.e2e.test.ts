// End-to-end: a real `bulwark server` (serving packages/web/dist with --console) seeded by real scans, driven by
// playwright-core on Debian's Chromium. Takes screenshots of every page in en and zh-CN into docs/screenshots/.
// Needs: npm run build (CLI bundle) and npm run build -w @bulwark/web; /usr/bin/chromium; the vulnerability database
// (imported from ../shared/vulndb into a temporary file when the default one is missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDir } from '@bulwark/core/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = new URL('../../../', import.meta.url).pathname;
const webDir = join(root, 'packages/web');
const bin = join(root, 'bin/bulwark');
const shots = join(root, 'docs/screenshots');
const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
const LAB_IMAGE = join(sharedDir(), 'lab/images/lab-app.tar.gz');
const VULNDB = join(sharedDir(), 'vulndb');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

function run(args: string[], env: NodeJS.ProcessEnv): string {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `bulwark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function startServer(dataDir: string, env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; url: string; password: string; token: string }> {
  const proc = spawn(process.execPath, [bin, 'server', '--data', dataDir, '--port', '0', '--console', join(webDir, 'dist')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300 && !/listening on http/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  const password = /admin login[^:]*: \S+ \/ (\S+)/.exec(out)?.[1];
  const token = /API token[^:]*: (bwk_\S+)/.exec(out)?.[1];
  assert.ok(url && password && token, `server did not start: ${out}`);
  return { proc, url, password, token };
}

async function call<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Console errors, page errors and failed requests of a page (what the acceptance forbids). */
function watch(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text().slice(0, 400)}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // a navigation aborting its predecessor's lazy chunk is not a failure of the console
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed ${r.url()}: ${r.failure()?.errorText}`);
  });
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.locator('.ant-spin-spinning, .ant-skeleton-active').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
  await page.waitForTimeout(300);
}

async function login(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#login_email', email);
  await page.fill('#login_password', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForURL(`${base}/`);
  await settle(page);
}

/** Poll until check() holds (client-side updates do not change Playwright's load state). */
async function until(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const PAGES: [name: string, path: string][] = [
  ['overview', '/'],
  ['assets', '/assets'],
  ['asset-relations', '/assets/:workload'],
  ['vulnerabilities', '/vulnerabilities'],
  ['vulnerabilities-kev', '/vulnerabilities?kev=true'],
  ['vulnerabilities-by-cve', '/vulnerabilities?group=cve'],
  ['image', '/images/:image'],
  ['image-layers', '/images/:image?tab=layers'],
  ['image-packages', '/images/:image?tab=packages'],
  ['posture', '/posture'],
  ['alerts', '/alerts'],
  ['reports', '/reports'],
  ['settings-users', '/settings?tab=users'],
  ['settings-tokens', '/settings?tab=tokens'],
  ['settings-rules', '/settings?tab=rules'],
  ['settings-destinations', '/settings?tab=destinations'],
  ['settings-retention', '/settings?tab=retention'],
  ['settings-tenants', '/settings?tab=tenants'],
  ['audit', '/audit'],
];

test('web console against a real, seeded bulwark server', { timeout: 600_000 }, async (t) => {
  // Needed, not optional: fail with what to do (scripts/ci-setup.sh installs both on a fresh machine).
  assert.ok(existsSync(CHROMIUM), `no ${CHROMIUM}: install Debian's Chromium and a CJK font (apt-get install chromium fonts-wqy-microhei) or run scripts/ci-setup.sh`);
  assert.ok(existsSync(join(root, 'packages/cli/dist/bulwark.mjs')), 'the CLI is not built: run npm run build (npm test does)');
  if (!existsSync(join(webDir, 'dist/index.html'))) {
    const b = spawnSync('npm', ['run', 'build', '-w', '@bulwark/web'], { cwd: root, stdio: 'inherit' });
    assert.equal(b.status, 0, 'console build failed');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'bulwark-web-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (spawnSync(process.execPath, [bin, 'db', 'status'], { cwd: root, env }).status !== 0) {
    env.BULWARK_DB = join(tmp, 'vuln.db');
    run(['db', 'import', VULNDB], env);
  }
  const server = await startServer(join(tmp, 'data'), env);
  const base = server.url.replace(/\/$/, '');
  t.after(() => {
    server.proc.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  });

  // ---- seed: alerting first (so the scans raise alerts), then an image, configuration and a cluster snapshot
  const dest = await call<{ id: number }>(base, server.token, 'POST', '/api/v1/alert-destinations', { kind: 'webhook', name: 'ops-webhook', config: { url: 'http://127.0.0.1:9/hook', secret: 's'.repeat(32) } });
  await call(base, server.token, 'POST', '/api/v1/alert-rules', { name: 'high-and-above', match: { minSeverity: 'high' }, destinationIds: [dest.id] });
  const upload = ['--upload', base, '--token', server.token];
  run(['scan', 'image', LAB_IMAGE, '--no-progress', ...upload], env);
  run(['scan', 'config', join(root, 'packages/posture/src/rules/kubernetes/pod-security/fixtures'), ...upload], env);
  run(['scan', 'k8s', '--snapshot', join(webDir, 'e2e/fixtures/cluster-dump.json'), '--cluster-name', 'prod', '--no-progress', ...upload], env);
  const image = (await call<{ items: { id: number; name: string }[] }>(base, server.token, 'GET', '/api/v1/assets?kind=image')).items[0];
  const workload = (await call<{ items: { id: number }[] }>(base, server.token, 'GET', '/api/v1/assets?kind=workload')).items[0];
  assert.ok(image && workload, 'the scans created an image and a workload');
  const group = await call<{ id: number }>(base, server.token, 'POST', '/api/v1/asset-groups', { name: 'payments' });
  await call(base, server.token, 'POST', `/api/v1/asset-groups/${group.id}/assets`, { assetIds: [image.id] });
  const pw = 'correct-horse-battery-1';
  await call(base, server.token, 'POST', '/api/v1/users', { email: 'auditor@example.com', role: 'auditor', password: pw });
  await call(base, server.token, 'POST', '/api/v1/users', { email: 'dev@example.com', role: 'developer', password: pw, assetGroups: [group.id] });
  const kevCount = (await call<{ kev: number }>(base, server.token, 'GET', '/api/v1/findings/summary?status=open&kev=true')).kev;
  assert.ok(kevCount > 0, 'the lab image has KEV findings');

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  t.after(() => browser.close());
  const problems: string[] = [];
  const newPage = async (): Promise<[BrowserContext, Page]> => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'en-US' });
    const page = await ctx.newPage();
    watch(page, problems);
    return [ctx, page];
  };
  mkdirSync(shots, { recursive: true });
  const [, page] = await newPage();
  const resolve = (p: string) => p.replace(':image', String(image.id)).replace(':workload', String(workload.id));

  await t.test('login page in both languages, then log in as admin', async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await settle(page);
    await page.screenshot({ path: join(shots, 'login.en.png') });
    await page.getByText('简体中文').click();
    await page.getByRole('button', { name: /登\s*录/ }).waitFor();
    await page.screenshot({ path: join(shots, 'login.zh-CN.png') });
    await page.getByText('English', { exact: true }).click();
    await login(page, base, 'admin@bulwark.local', server.password);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    await t.test(`screenshots of every page (${lang})`, async () => {
      if (lang === 'zh-CN') {
        await page.goto(`${base}/`);
        await settle(page);
        await page.getByText('简体中文').click();
        await page.getByRole('heading', { name: '总览' }).waitFor();
      }
      for (const [name, path] of PAGES) {
        await page.goto(base + resolve(path));
        await settle(page);
        await page.screenshot({ path: join(shots, `${name}.${lang}.png`) });
      }
    });
  }

  await t.test('switch language back to English', async () => {
    await page.goto(`${base}/`);
    await settle(page);
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  await t.test('filter vulnerabilities by KEV: the URL keeps it and only KEV rows remain', async () => {
    await page.goto(`${base}/vulnerabilities`);
    await settle(page);
    await page.locator('[data-testid=filter-kev]').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="Yes"]').click();
    await page.waitForURL(/kev=true/);
    const rows = page.locator('[data-testid=findings-table] tbody tr[data-row-key]');
    await until(async () => (await rows.count()) === kevCount, `${kevCount} KEV rows`);
    for (let i = 0; i < kevCount; i++) assert.ok((await rows.nth(i).innerText()).includes('KEV'), `row ${i} is tagged KEV`);
    // a shared link restores the same view
    await page.goto(`${base}/vulnerabilities?kev=true`);
    await settle(page);
    assert.equal(await rows.count(), kevCount, 'the link restores the filter');
  });

  await t.test('open an image and its layers', async () => {
    await page.goto(`${base}/assets?kind=image`);
    await settle(page);
    await page.getByRole('link', { name: image.name }).click();
    await page.waitForURL(new RegExp(`/images/${image.id}`));
    await settle(page);
    await page.getByRole('tab', { name: 'Layers' }).click();
    // The lab image's layers with their commands, sizes and packages, as `scan image --upload` described them.
    const rows = page.locator('.ant-tabs-tabpane-active [data-testid=layers-table] tbody tr[data-row-key]');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 2, 'the multi-layer lab image shows its layers');
    const text = await page.locator('.ant-tabs-tabpane-active [data-testid=layers-table]').innerText();
    assert.match(text, /(RUN|COPY|ADD|CMD|ENV|WORKDIR)/, 'layer commands are shown');
    assert.match(text, /\d+(\.\d+)? (B|KB|MB|GB|KiB|MiB|GiB)/, 'layer sizes are shown');
    await page.getByRole('tab', { name: /Packages/ }).click();
    await page.locator('.ant-tabs-tabpane-active tbody tr[data-row-key]').first().waitFor();
  });

  await t.test('download the image SBOM in CycloneDX and SPDX: every package the API relates to the image', async () => {
    const rel = await call<{ assets: { kind: string; key: string }[] }>(base, server.token, 'GET', `/api/v1/assets/${image.id}/relations?depth=1&direction=down&limit=1000`);
    const purls = rel.assets.filter((a) => a.kind === 'package').map((a) => a.key).sort();
    assert.ok(purls.length > 10, 'the lab image has packages');
    const fetchSbom = async (label: RegExp, file: string): Promise<Record<string, unknown>> => {
      await page.hover('[data-testid=sbom-download]');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: label }).click()]);
      await download.saveAs(join(tmp, file));
      return JSON.parse(readFileSync(join(tmp, file), 'utf8')) as Record<string, unknown>;
    };
    const cdx = (await fetchSbom(/CycloneDX/, 'sbom.cdx.json')) as { bomFormat: string; specVersion: string; components: { purl?: string }[] };
    assert.equal(cdx.bomFormat, 'CycloneDX', 'a CycloneDX document');
    assert.equal(cdx.specVersion, '1.6');
    assert.deepEqual(cdx.components.map((c) => c.purl).filter(Boolean).sort(), purls, 'CycloneDX lists exactly the image packages');
    const spdx = (await fetchSbom(/SPDX/, 'sbom.spdx.json')) as { spdxVersion: string; packages: { externalRefs?: { referenceType: string; referenceLocator: string }[] }[] };
    assert.equal(spdx.spdxVersion, 'SPDX-2.3', 'an SPDX document');
    const spdxPurls = spdx.packages.flatMap((p) => (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl').map((r) => r.referenceLocator)).sort();
    assert.deepEqual(spdxPurls, purls, 'SPDX lists exactly the image packages');
  });

  await t.test('group vulnerabilities by CVE across all findings, open a group and suppress it whole', async () => {
    await page.goto(`${base}/vulnerabilities?group=cve`);
    await settle(page);
    const groups = page.locator('[data-testid=finding-groups] tbody tr[data-row-key]');
    await groups.first().waitFor();
    // The server groups every open finding (the page's default filter), not one page of them: the counts add up to
    // the summary's total.
    const api = await call<{ items: { key: string; count: number }[]; nextCursor?: string }>(base, server.token, 'GET', '/api/v1/findings/groups?by=rule&status=open&limit=1000');
    const summary = await call<{ total: number }>(base, server.token, 'GET', '/api/v1/findings/summary?status=open');
    assert.equal(api.nextCursor, undefined, 'one page of groups for the lab data');
    assert.equal(api.items.reduce((n, g) => n + g.count, 0), summary.total, 'group counts add up to every matching finding');
    const key = await groups.first().getAttribute('data-row-key');
    const group = api.items.find((g) => g.key === key);
    assert.ok(group, `the first group on screen (${key}) is one of the API's`);
    await groups.first().locator('.ant-table-row-expand-icon').click();
    const nested = page.locator('[data-testid=finding-groups] .ant-table-expanded-row [data-testid=findings-table] tbody tr[data-row-key]');
    await nested.first().waitFor();
    assert.equal(await nested.count(), Math.min(20, group.count), `the group lists its findings (${group.count})`);
    for (let i = 0; i < (await nested.count()); i++) assert.ok((await nested.nth(i).innerText()).includes(key!), `nested row ${i} is ${key}`);
    await groups.first().getByRole('button', { name: 'Suppress group' }).click();
    await page.fill('[data-testid=triage-reason]', 'vendor says not exploitable (e2e)');
    await page.click('[data-testid=triage-submit]');
    await page.locator(`[data-testid=finding-groups] tbody tr[data-row-key="${key}"]`).waitFor({ state: 'detached' });
    const left = await call<{ items: unknown[] }>(base, server.token, 'GET', `/api/v1/findings?ruleId=${encodeURIComponent(key!)}&status=open`);
    assert.equal(left.items.length, 0, `no open finding of ${key} is left`);
  });

  await t.test('suppress a finding: it leaves the default list', async () => {
    await page.goto(`${base}/vulnerabilities`);
    await settle(page);
    const first = page.locator('[data-testid=findings-table] tbody tr[data-row-key]').first();
    const id = await first.getAttribute('data-row-key');
    assert.ok(id, 'a finding row');
    await first.locator('input[type=checkbox]').check();
    await page.click('[data-testid=bulk-suppress]');
    await page.fill('[data-testid=triage-reason]', 'not reachable in production (e2e)');
    await page.click('[data-testid=triage-submit]');
    await page.locator(`[data-testid=findings-table] tbody tr[data-row-key="${id}"]`).waitFor({ state: 'detached' });
    const f = await call<{ status: string; statusReason: string }>(base, server.token, 'GET', `/api/v1/findings/${id}`);
    assert.equal(f.status, 'suppressed');
    assert.equal(f.statusReason, 'not reachable in production (e2e)');
  });

  await t.test('generate and download a PDF report', async () => {
    await page.goto(`${base}/reports`);
    await settle(page);
    await page.click('[data-testid=report-generate]');
    await page.click('[data-testid=report-generate-submit]');
    const link = page.locator('[data-testid^=report-download-]').first();
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = join(tmp, 'report.pdf');
    await download.saveAs(file);
    assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-', 'the download is a PDF');
  });

  await t.test('create an API token: its secret is shown once', async () => {
    await page.goto(`${base}/settings?tab=tokens`);
    await settle(page);
    await page.click('[data-testid=token-create]');
    await page.fill('[data-testid=token-name]', 'ci-e2e');
    await page.click('[data-testid=token-submit]');
    const secret = (await page.locator('[data-testid=token-secret]').innerText()).trim();
    assert.match(secret, /^bwk_/);
    const tokens = await call<{ items: { name: string }[] }>(base, server.token, 'GET', '/api/v1/tokens');
    assert.ok(tokens.items.some((x) => x.name === 'ci-e2e'), 'the token exists');
  });

  await t.test('an auditor sees no write action', async () => {
    const [ctx, p] = await newPage();
    await login(p, base, 'auditor@example.com', pw);
    await p.goto(`${base}/vulnerabilities`);
    await settle(p);
    assert.equal(await p.locator('[data-testid=bulk-suppress]').count(), 0, 'no bulk suppress');
    assert.equal(await p.locator('[data-testid=findings-table] tbody input[type=checkbox]').count(), 0, 'no row selection');
    await p.goto(`${base}/settings`);
    await settle(p);
    assert.equal(await p.getByRole('tab', { name: 'API tokens' }).count(), 0, 'no token administration');
    assert.equal(await p.getByRole('button', { name: /Add alert rule/ }).count(), 0, 'no rule creation');
    await p.goto(`${base}/reports`);
    await settle(p);
    assert.equal(await p.getByRole('button', { name: 'Delete' }).count(), 0, 'no report deletion');
    await p.goto(`${base}/audit`);
    await settle(p);
    await p.getByRole('heading', { name: 'Audit log' }).waitFor();
    await ctx.close();
  });

  await t.test('a developer scoped to one asset group sees only its assets', async () => {
    const [ctx, p] = await newPage();
    // keyboard only: the e-mail field has focus, Tab to the password, Enter submits
    await p.goto(`${base}/login`);
    await p.locator('#login_email:focus').waitFor();
    await p.keyboard.type('dev@example.com');
    await p.keyboard.press('Tab');
    await p.keyboard.type(pw);
    await p.keyboard.press('Enter');
    await p.waitForURL(`${base}/`);
    await settle(p);
    await p.goto(`${base}/assets`);
    await settle(p);
    await p.keyboard.press('Tab');
    assert.equal(await p.evaluate(() => document.activeElement?.className), 'skip-link', 'the first Tab reaches "skip to content"');
    await settle(p);
    const names = await p.locator('tbody tr[data-row-key] a').allInnerTexts();
    assert.deepEqual(names, [image.name], 'only the group member');
    assert.equal(await p.getByRole('link', { name: 'Audit log' }).count(), 0, 'developers do not read the audit log');
    await ctx.close();
  });

  await t.test('no console error, page error or failed request', () => {
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});
