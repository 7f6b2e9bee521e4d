// GET /api/v1/assets/:id/sbom: an uploaded image's packages come back as CycloneDX and SPDX documents the
// scanner's own readers read to the same package set; tenant and asset-group scoping as for reading the asset.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { unwrap, type Package } from '@bulwark/core';
import { readCycloneDx, readSpdx } from '@bulwark/scanner';
import type { StaticToken } from '../server/auth.js';
import { buildServer } from '../server/server.js';
import { IdentityRepository } from '../identity/repository.js';
import { SESSION_COOKIE, CSRF_HEADER } from '../identity/sessions.js';
import { backends, type FreshDb } from '../storage/test-backends.js';
import type { Asset, AssetInput, AssetRef, RelationInput } from '../storage/types.js';
import { installedPackages } from './repository.js';

const TOKEN_A = 'tok-a-admin-0123456789abcdef';
const TOKEN_A_AUDITOR = 'tok-a-auditor-0123456789abcdef';
const TOKEN_B = 'tok-b-admin-0123456789abcdef';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

type Uploaded = Pick<Package, 'name' | 'version' | 'type' | 'ecosystem' | 'purl' | 'licenses'>;

/** What `bulwark scan image` finds in the image (OS and language packages, single, compound, several and raw licenses). */
const PACKAGES: Uploaded[] = [
  { name: 'openssl', version: '3.0.11-1~deb12u2', type: 'deb', ecosystem: 'Debian:12', purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12', licenses: ['Apache-2.0'] },
  { name: 'libc6', version: '2.36-9+deb12u4', type: 'deb', ecosystem: 'Debian:12', purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12', licenses: ['GPL-2.0-only', 'LGPL-2.1-or-later'] },
  { name: 'lodash', version: '4.17.20', type: 'npm', ecosystem: 'npm', purl: 'pkg:npm/lodash@4.17.20', licenses: ['MIT'] },
  { name: '@babel/core', version: '7.24.0', type: 'npm', ecosystem: 'npm', purl: 'pkg:npm/%40babel/core@7.24.0', licenses: ['MIT'] },
  { name: 'serde', version: '1.0.197', type: 'cargo', ecosystem: 'crates.io', purl: 'pkg:cargo/serde@1.0.197', licenses: ['MIT OR Apache-2.0'] },
  { name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', type: 'maven', ecosystem: 'Maven', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', licenses: [] },
  { name: 'requests', version: '2.31.0', type: 'pypi', ecosystem: 'PyPI', purl: 'pkg:pypi/requests@2.31.0', licenses: ['Some Custom Licence'] },
];

const IMAGE: AssetRef = { kind: 'image', key: 'registry.example/shop/web:1.4.2' };
const IMAGE_ID = 'sha256:0f4a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8';

/** An upload as the CLI's vulnerabilityUpload makes it: the root asset, each package `installed-in` it. */
function upload(id: string, root: AssetInput, packages: readonly Uploaded[]): { scan: Record<string, unknown>; findings: unknown[] } {
  const rootRef = { kind: root.kind, key: root.key };
  const assets: AssetInput[] = [root];
  const relations: RelationInput[] = [];
  for (const p of packages) {
    assets.push({
      kind: 'package',
      key: p.purl,
      name: `${p.name}@${p.version}`,
      attributes: { name: p.name, version: p.version, type: p.type, ecosystem: p.ecosystem, ...(p.licenses.length ? { licenses: p.licenses } : {}) },
    });
    relations.push({ from: { kind: 'package', key: p.purl }, to: rootRef, kind: 'installed-in' });
  }
  return { scan: { id, target: `image:${root.key}`, kind: 'image', startedAt: '2026-02-01T00:00:00Z', finishedAt: '2026-02-01T00:01:00Z', assets, relations }, findings: [] };
}

/** name, version, purl, licenses of each package, sorted by purl: what must survive the round trip. */
function packageSet(pkgs: readonly Pick<Package, 'name' | 'version' | 'purl' | 'licenses'>[]): string[] {
  return pkgs.map((p) => JSON.stringify([p.purl, p.name, p.version, p.licenses])).sort();
}

for (const backend of backends()) {
  describe(`asset SBOM download on ${backend.name}`, () => {
    let db: FreshDb;
    let app: FastifyInstance;
    let tenantA: number;
    const ids = new Map<string, number>();
    let foreignImageId: number;

    const get = (url: string, headers: Record<string, string> = auth(TOKEN_A)) => app.inject({ method: 'GET', url, headers });
    const post = (url: string, payload: unknown, headers: Record<string, string> = auth(TOKEN_A)) => app.inject({ method: 'POST', url, headers, payload: payload as object });
    const idOf = (kind: string, key: string): number => {
      const v = ids.get(`${kind}:${key}`);
      assert.ok(v, `asset ${kind} ${key} was uploaded`);
      return v;
    };
    const uploaded = async (body: unknown, headers?: Record<string, string>) => {
      const r = await post('/api/v1/scans', body, headers);
      assert.equal(r.statusCode, 201, `upload: ${r.body}`);
    };
    const sbom = async (assetId: number, query = '', headers?: Record<string, string>): Promise<LightMyRequestResponse> => {
      const r = await get(`/api/v1/assets/${assetId}/sbom${query}`, headers);
      assert.equal(r.statusCode, 200, `sbom ${assetId}${query}: ${r.body.slice(0, 300)}`);
      return r;
    };

    before(async () => {
      await backend.setup();
      db = await backend.fresh();
      tenantA = (await db.store.createTenant({ slug: 'acme', name: 'Acme' })).id;
      const tenantB = (await db.store.createTenant({ slug: 'blue', name: 'Blue' })).id;
      app = await buildServer({
        store: db.store,
        tokens: [
          { token: TOKEN_A, tenant: tenantA, role: 'admin', name: 'a-admin' },
          { token: TOKEN_A_AUDITOR, tenant: tenantA, role: 'auditor', name: 'a-auditor' },
          { token: TOKEN_B, tenant: tenantB, role: 'admin', name: 'b-admin' },
        ] satisfies StaticToken[],
      });
      await uploaded(
        upload(
          'scan-web',
          { ...IMAGE, name: IMAGE.key, attributes: { distro: 'debian 12', reference: IMAGE.key, repoTags: [IMAGE.key], imageId: IMAGE_ID } },
          PACKAGES,
        ),
      );
      await uploaded(upload('scan-empty', { kind: 'image', key: 'registry.example/scratch:1', name: 'registry.example/scratch:1' }, []));
      // A workload the image runs in: an asset that holds no packages.
      await uploaded({
        scan: {
          id: 'scan-k8s',
          target: 'k8s:cluster/prod',
          kind: 'cluster',
          startedAt: '2026-02-01T00:00:00Z',
          finishedAt: '2026-02-01T00:01:00Z',
          assets: [{ kind: 'workload', key: 'cluster/prod/ns/shop/deployment/web', name: 'Deployment/shop/web' }],
          relations: [{ from: IMAGE, to: { kind: 'workload', key: 'cluster/prod/ns/shop/deployment/web' }, kind: 'used-by' }],
        },
        findings: [],
      });
      await uploaded(upload('scan-b', { ...IMAGE, name: 'b image' }, PACKAGES.slice(0, 2)), auth(TOKEN_B));
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = (await get(`/api/v1/assets?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)).json() as { items: Asset[]; nextCursor?: string };
        for (const a of page.items) ids.set(`${a.kind}:${a.key}`, a.id);
        cursor = page.nextCursor;
      }
      foreignImageId = ((await get('/api/v1/assets?kind=image', auth(TOKEN_B))).json() as { items: Asset[] }).items[0].id;
    });
    after(async () => {
      await app?.close();
      await db?.drop();
      await backend.teardown();
    });

    it('is documented in OpenAPI with its format parameter', async () => {
      const doc = (await get('/openapi.json')).json() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
      const op = doc.paths['/api/v1/assets/{id}/sbom']?.get;
      assert.ok(op, 'OpenAPI documents get /api/v1/assets/{id}/sbom');
      assert.ok(op.parameters?.some((p) => p.name === 'format' && p.in === 'query'), 'the format query parameter is documented');
    });

    it('CycloneDX (the default): the uploaded packages, read back by the scanner, as an attachment', async () => {
      const imageId = idOf('image', IMAGE.key);
      const r = await sbom(imageId);
      assert.match(String(r.headers['content-type']), /^application\/vnd\.cyclonedx\+json/);
      assert.equal(r.headers['content-disposition'], 'attachment; filename="registry.example_shop_web_1.4.2.cdx.json"');
      assert.equal((await sbom(imageId, '?format=cyclonedx')).body, r.body, 'format=cyclonedx is the default, and the document is stable');
      const doc = r.json() as { bomFormat: string; specVersion: string; metadata: { component: { name: string; type: string; properties: { name: string; value: string }[] } } };
      assert.equal(doc.bomFormat, 'CycloneDX');
      assert.equal(doc.specVersion, '1.6');
      assert.equal(doc.metadata.component.name, IMAGE.key);
      assert.equal(doc.metadata.component.type, 'container');
      assert.ok(doc.metadata.component.properties.some((p) => p.name === 'bulwark:image:id' && p.value === IMAGE_ID), 'the image id is in the target component');

      const read = unwrap(readCycloneDx(r.body, 'web.cdx.json'));
      assert.deepEqual(read.warnings, []);
      assert.equal(read.subject, IMAGE.key);
      assert.deepEqual(read.os, { id: 'debian', versionId: '12' }, 'the distro of the upload');
      assert.deepEqual(packageSet(read.packages), packageSet(PACKAGES), 'name, version, purl and licenses of every uploaded package');
      assert.deepEqual(read.packages.map((p) => [p.purl, p.type, p.ecosystem, p.foundBy]).sort(), PACKAGES.map((p) => [p.purl, p.type, p.ecosystem, 'platform/inventory']).sort());
    });

    it('SPDX: the same package set, read back by the scanner', async () => {
      const r = await sbom(idOf('image', IMAGE.key), '?format=spdx');
      assert.match(String(r.headers['content-type']), /^application\/spdx\+json/);
      assert.equal(r.headers['content-disposition'], 'attachment; filename="registry.example_shop_web_1.4.2.spdx.json"');
      const doc = r.json() as { spdxVersion: string; packages: { primaryPackagePurpose?: string; versionInfo?: string }[] };
      assert.equal(doc.spdxVersion, 'SPDX-2.3');
      assert.equal(doc.packages.find((p) => p.primaryPackagePurpose === 'CONTAINER')?.versionInfo, IMAGE_ID, 'the image id is the root version');
      const read = unwrap(readSpdx(r.body, 'web.spdx.json'));
      assert.deepEqual(read.warnings, []);
      assert.equal(read.subject, IMAGE.key);
      assert.deepEqual(packageSet(read.packages), packageSet(PACKAGES), 'name, version, purl and licenses of every uploaded package');
    });

    it('an image without packages gets a valid empty SBOM in both formats; auditors may download', async () => {
      const empty = idOf('image', 'registry.example/scratch:1');
      const cdx = unwrap(readCycloneDx((await sbom(empty, '', auth(TOKEN_A_AUDITOR))).body, 'scratch.cdx.json'));
      assert.deepEqual(cdx.packages, []);
      assert.equal(cdx.subject, 'registry.example/scratch:1');
      const spdx = unwrap(readSpdx((await sbom(empty, '?format=spdx')).body, 'scratch.spdx.json'));
      assert.deepEqual(spdx.packages, []);
    });

    it('refuses a bad or unknown query field (400 naming it) and an asset kind without packages', async () => {
      const imageId = idOf('image', IMAGE.key);
      const bad = await get(`/api/v1/assets/${imageId}/sbom?format=swid`);
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match((bad.json() as { message: string }).message, /^querystring\/format: /);
      const unknown = await get(`/api/v1/assets/${imageId}/sbom?colour=red`);
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.match((unknown.json() as { message: string }).message, /unknown field "colour"/);
      for (const [kind, key] of [['workload', 'cluster/prod/ns/shop/deployment/web'], ['package', PACKAGES[2].purl]] as const) {
        const r = await get(`/api/v1/assets/${idOf(kind, key)}/sbom`);
        assert.equal(r.statusCode, 400, `${kind}: ${r.body}`);
        assert.match((r.json() as { message: string }).message, new RegExp(`^asset kind ${kind} has no packages`), `${kind}: a clear message`);
      }
    });

    it("another tenant's asset answers 404 exactly like a missing one", async () => {
      const foreign = await get(`/api/v1/assets/${foreignImageId}/sbom`);
      const missing = await get('/api/v1/assets/987654321/sbom');
      assert.equal(foreign.statusCode, 404);
      assert.deepEqual(foreign.json(), { statusCode: 404, error: 'Not Found', message: `no asset ${foreignImageId}` });
      assert.equal(foreign.body.replace(String(foreignImageId), '<id>'), missing.body.replace('987654321', '<id>'));
      assert.equal((await get(`/api/v1/assets/${idOf('image', IMAGE.key)}/sbom`, auth(TOKEN_B))).statusCode, 404, "tenant B cannot read A's image");
      assert.equal((await app.inject({ method: 'GET', url: `/api/v1/assets/${idOf('image', IMAGE.key)}/sbom` })).statusCode, 401);
    });

    it('a caller scoped to asset groups: 404 outside its groups; an image inside lists all its packages', async () => {
      const group = (await post('/api/v1/asset-groups', { name: 'web' })).json() as { id: number };
      const imageId = idOf('image', IMAGE.key);
      assert.equal((await post(`/api/v1/asset-groups/${group.id}/assets`, { assetIds: [imageId] })).statusCode, 200);
      const identity = new IdentityRepository(db.store.sql);
      const user = await identity.createUser(tenantA, { email: 'ana@acme.example', role: 'analyst', assetGroups: [group.id] });
      const session = await identity.createSession(user);
      const scoped = { cookie: `${SESSION_COOKIE}=${session.token}`, [CSRF_HEADER]: session.csrf };
      const read = unwrap(readCycloneDx((await sbom(imageId, '', scoped)).body, 'scoped.cdx.json'));
      assert.deepEqual(packageSet(read.packages), packageSet(PACKAGES), 'what is installed in a visible image is part of it, group member or not');
      const outside = await get(`/api/v1/assets/${idOf('image', 'registry.example/scratch:1')}/sbom`, scoped);
      assert.equal(outside.statusCode, 404, 'an image outside the scope is 404');
    });

    it('reads every package past the 1000-row page (keyset paging, no cap)', async () => {
      const many: Uploaded[] = Array.from({ length: 1234 }, (_, i) => ({ name: `pkg-${i}`, version: `1.0.${i}`, type: 'npm', ecosystem: 'npm', purl: `pkg:npm/pkg-${i}@1.0.${i}`, licenses: ['MIT'] }));
      await uploaded(upload('scan-big', { kind: 'image', key: 'registry.example/big:1', name: 'registry.example/big:1' }, many));
      const big = ((await get(`/api/v1/assets?kind=image&q=${encodeURIComponent('registry.example/big:1')}`)).json() as { items: Asset[] }).items[0];
      assert.ok(big, 'the big image was uploaded');
      const cdx = unwrap(readCycloneDx((await sbom(big.id)).body, 'big.cdx.json'));
      assert.equal(cdx.packages.length, many.length, 'every package of the big image');
      assert.deepEqual(packageSet(cdx.packages), packageSet(many));
      const spdx = unwrap(readSpdx((await sbom(big.id, '?format=spdx')).body, 'big.spdx.json'));
      assert.deepEqual(packageSet(spdx.packages), packageSet(many));

      const small = idOf('image', IMAGE.key);
      const whole = await installedPackages(db.store, tenantA, small);
      const paged = await installedPackages(db.store, tenantA, small, 3);
      assert.deepEqual(paged.map((a) => a.id), whole.map((a) => a.id), 'small pages read the same packages, in id order');
      assert.equal(whole.length, PACKAGES.length);
    });
  });
}
