import { InputError } from '@bulwark/core';
import { ASSET_KINDS, CRITICALITIES, RELATION_KINDS, type AssetKind } from '../storage/types.js';
import { CAN_TRIAGE, READ_ROLES } from '../server/auth.js';
import { principal, type ApiModule, type Principal } from '../server/context.js';
import { bearer, errorResponses, errorSchema } from '../server/schemas.js';
import { assetsByIds, getAsset, groupsOfAsset, installedPackages, listAssets, neighbourhood, type Direction } from './repository.js';
import { assetScanReport, renderAssetSbom, SBOM_FORMATS, SBOM_ROOT_KINDS, type SbomFormat } from './sbom.js';

const id = (what: string) => ({ type: 'string', pattern: '^[1-9][0-9]{0,14}$', description: `${what} id` }) as const;
const idParams = (what: string) => ({ type: 'object', additionalProperties: false, required: ['id'], properties: { id: id(what) } }) as const;

const assetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'kind', 'key', 'name', 'attributes', 'criticality', 'firstSeen', 'lastSeen'],
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: [...ASSET_KINDS] },
    key: { type: 'string', description: 'stable within the tenant: "pkg:npm/lodash@4.17.20", "cluster/prod/ns/shop/deployment/web"' },
    name: { type: 'string' },
    attributes: { type: 'object', additionalProperties: true, description: 'kind-specific facts (workloads: privileged, hostNetwork, internetFacing, exposedVia…)' },
    criticality: { type: 'string', enum: [...CRITICALITIES] },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
  },
} as const;

const relationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['fromId', 'toId', 'kind'],
  properties: { fromId: { type: 'integer' }, toId: { type: 'integer' }, kind: { type: 'string', enum: [...RELATION_KINDS] } },
} as const;

const groupSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'createdAt'],
  properties: { id: { type: 'integer' }, name: { type: 'string' }, createdAt: { type: 'string' } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: [...ASSET_KINDS] },
    group: id('asset group (only its members)'),
    q: { type: 'string', minLength: 1, maxLength: 200, description: 'case-insensitive substring of the key or name ("lodash", "cluster/prod/")' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'page size 1–1000, default 100' },
    cursor: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' },
  },
} as const;

const relationsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    depth: { type: 'string', pattern: '^[1-6]$', description: 'hops from the asset, 1–6, default 2' },
    direction: { type: 'string', enum: ['up', 'down', 'both'], description: 'up: toward what holds it (package → image → workload → node → cluster); down: the reverse; default both' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'most assets returned (the asset included), 1–1000, default 200' },
  },
} as const;

const sbomQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: { type: 'string', enum: [...SBOM_FORMATS], description: 'cyclonedx (CycloneDX 1.6 JSON, the default) or spdx (SPDX 2.3 JSON)' },
  },
} as const;

/** `attachment; filename="…"` (the name is ASCII by construction). */
function disposition(filename: string): string {
  return `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`;
}

const createGroupBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } },
} as const;

const addAssetsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['assetIds'],
  properties: { assetIds: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } },
} as const;

/** A page size 1–1000 from the query (default `dflt`), undefined when out of range. */
function pageSize(raw: string | undefined, dflt: number): number | undefined {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  return n >= 1 && n <= 1000 ? n : undefined;
}

const LIMIT_MESSAGE = 'querystring/limit: expected an integer from 1 to 1000';

/** Whether a group is inside the caller's scope (always, when unscoped). */
function groupInScope(p: Principal, groupId: number): boolean {
  return p.assetGroups === undefined || p.assetGroups.includes(groupId);
}

/**
 * The asset inventory: assets of every kind with their relations (package → image → workload → node → cluster) and
 * asset groups. A caller scoped to asset groups sees only their assets and groups; another tenant's ids are 404.
 */
export const assetsModule: ApiModule = {
  name: 'assets',
  async register(app, ctx) {
    const { store } = ctx;

    app.get<{ Querystring: { kind?: AssetKind; group?: string; q?: string; limit?: string; cursor?: string } }>(
      '/api/v1/assets',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: "List the tenant's assets by id, optionally searched by key or name (scoped to the caller's asset groups)",
          tags: ['assets'],
          security: bearer,
          querystring: listQuery,
          response: {
            200: { type: 'object', additionalProperties: false, required: ['items'], properties: { items: { type: 'array', items: assetSchema }, nextCursor: { type: 'string' } } },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const q = req.query;
        const limit = pageSize(q.limit, 100);
        if (limit === undefined) return ctx.send(reply, 400, LIMIT_MESSAGE);
        const groupId = q.group === undefined ? undefined : Number(q.group);
        const filter = { ...(q.kind ? { kind: q.kind } : {}), ...(groupId !== undefined ? { groupId } : {}), ...(q.q !== undefined ? { q: q.q } : {}) };
        return listAssets(store, p.tenant, filter, p.assetGroups, {
          limit,
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/assets/:id',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: "One asset and the groups it belongs to (404 when missing, of another tenant or outside the caller's asset groups)",
          tags: ['assets'],
          security: bearer,
          params: idParams('asset'),
          response: {
            200: {
              ...assetSchema,
              required: [...assetSchema.required, 'groups'],
              properties: { ...assetSchema.properties, groups: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { id: { type: 'integer' }, name: { type: 'string' } } } } },
            },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const a = await getAsset(store, p.tenant, Number(req.params.id), p.assetGroups);
        if (!a) return ctx.send(reply, 404, `no asset ${req.params.id}`);
        const groups = (await groupsOfAsset(store, p.tenant, a.id)).filter((g) => groupInScope(p, g.id));
        return { ...a, groups };
      },
    );

    app.get<{ Params: { id: string }; Querystring: { depth?: string; direction?: Direction; limit?: string } }>(
      '/api/v1/assets/:id/relations',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: 'The graph around an asset (package → image → workload → node → cluster), breadth-first and depth-limited',
          tags: ['assets'],
          security: bearer,
          params: idParams('asset'),
          querystring: relationsQuery,
          response: {
            200: {
              type: 'object',
              additionalProperties: false,
              required: ['asset', 'depth', 'direction', 'assets', 'relations', 'truncated'],
              properties: {
                asset: assetSchema,
                depth: { type: 'integer' },
                direction: { type: 'string' },
                assets: { type: 'array', items: { ...assetSchema, required: [...assetSchema.required, 'depth'], properties: { ...assetSchema.properties, depth: { type: 'integer' } } } },
                relations: { type: 'array', items: relationSchema },
                truncated: { type: 'boolean', description: 'more assets were reachable than limit allowed' },
              },
            },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const limit = pageSize(req.query.limit, 200);
        if (limit === undefined) return ctx.send(reply, 400, LIMIT_MESSAGE);
        const root = await getAsset(store, p.tenant, Number(req.params.id), p.assetGroups);
        if (!root) return ctx.send(reply, 404, `no asset ${req.params.id}`);
        const depth = req.query.depth === undefined ? 2 : Number(req.query.depth);
        const direction = req.query.direction ?? 'both';
        const graph = await neighbourhood(store, p.tenant, root, { depth, direction, limit, scope: p.assetGroups });
        return { asset: root, depth, direction, ...graph };
      },
    );

    app.get<{ Params: { id: string }; Querystring: { format?: SbomFormat } }>(
      '/api/v1/assets/:id/sbom',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: 'The SBOM of an image, repository or host (node) from its inventory: the packages installed in it, as CycloneDX or SPDX JSON (the scanner\'s writers)',
          tags: ['assets'],
          security: bearer,
          params: idParams('asset'),
          querystring: sbomQuery,
          response: {
            200: {
              description: 'The SBOM document, as an attachment',
              content: {
                'application/vnd.cyclonedx+json': { schema: { type: 'object', description: 'CycloneDX 1.6 BOM (format=cyclonedx)' } },
                'application/spdx+json': { schema: { type: 'object', description: 'SPDX 2.3 document (format=spdx)' } },
              },
            },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const root = await getAsset(store, p.tenant, Number(req.params.id), p.assetGroups);
        if (!root) return ctx.send(reply, 404, `no asset ${req.params.id}`);
        if (!SBOM_ROOT_KINDS.has(root.kind)) return ctx.send(reply, 400, `asset kind ${root.kind} has no packages; an SBOM is of an asset of kind ${[...SBOM_ROOT_KINDS].join(', ')}`);
        const packages = await installedPackages(store, p.tenant, root.id);
        const doc = renderAssetSbom(assetScanReport(root, packages), req.query.format ?? 'cyclonedx');
        return reply
          .type(doc.contentType)
          .header('content-disposition', disposition(doc.filename))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .send(doc.body);
      },
    );

    app.get(
      '/api/v1/asset-groups',
      {
        onRequest: ctx.requireRole(READ_ROLES),
        schema: {
          summary: "The tenant's asset groups by name (a scoped caller sees its own groups)",
          tags: ['assets'],
          security: bearer,
          response: { 200: { type: 'object', additionalProperties: false, required: ['items'], properties: { items: { type: 'array', items: groupSchema } } }, ...errorResponses },
        },
      },
      async (req) => {
        const p = principal(req);
        const items = (await store.listAssetGroups(p.tenant)).filter((g) => groupInScope(p, g.id));
        return { items };
      },
    );

    app.post<{ Body: { name: string } }>(
      '/api/v1/asset-groups',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: {
          summary: 'Create an asset group (audited); 409 when the name is taken',
          tags: ['assets'],
          security: bearer,
          body: createGroupBody,
          response: { 201: groupSchema, ...errorResponses, 409: errorSchema },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const name = req.body.name.trim();
        if ((await store.listAssetGroups(p.tenant)).some((g) => g.name === name)) return ctx.send(reply, 409, `an asset group "${name}" already exists`);
        let group;
        try {
          group = await store.createAssetGroup(p.tenant, name);
        } catch (e) {
          // Created by a concurrent request between the check and the insert.
          if (e instanceof InputError && e.field === 'name' && /already exists/.test(e.message)) return ctx.send(reply, 409, `an asset group "${name}" already exists`);
          throw e;
        }
        await ctx.audit(p, 'asset-group.create', `asset-group:${group.id}`, { name: group.name });
        return reply.code(201).send(group);
      },
    );

    app.post<{ Params: { id: string }; Body: { assetIds: number[] } }>(
      '/api/v1/asset-groups/:id/assets',
      {
        onRequest: ctx.requireRole(CAN_TRIAGE),
        schema: {
          summary: "Add assets to a group (audited). Ids of other tenants, or outside a scoped caller's groups, are ignored",
          tags: ['assets'],
          security: bearer,
          params: idParams('asset group'),
          body: addAssetsBody,
          response: {
            200: { type: 'object', additionalProperties: false, required: ['added', 'ignored'], properties: { added: { type: 'integer', description: 'new memberships' }, ignored: { type: 'integer', description: 'ids not found or not visible' } } },
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const groupId = Number(req.params.id);
        const group = (await store.listAssetGroups(p.tenant)).find((g) => g.id === groupId);
        if (!group || !groupInScope(p, groupId)) return ctx.send(reply, 404, `no asset group ${req.params.id}`);
        const requested = [...new Set(req.body.assetIds)];
        // A scoped caller may only place assets it already sees, so adding never widens its own view.
        const allowed = (await assetsByIds(store, p.tenant, requested, p.assetGroups)).map((a) => a.id).sort((a, b) => a - b);
        const added = allowed.length === 0 ? 0 : await store.addAssetsToGroup(p.tenant, groupId, allowed);
        await ctx.audit(p, 'asset-group.add-assets', `asset-group:${groupId}`, { requested: requested.length, added, assetIds: allowed.slice(0, 100) });
        return { added, ignored: requested.length - allowed.length };
      },
    );
  },
};
