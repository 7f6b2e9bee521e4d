import type { Role } from '../storage/types.js';
import { ADMIN_ONLY } from '../server/auth.js';
import { principal, type ApiModule } from '../server/context.js';
import { bearer, errorResponses } from '../server/schemas.js';
import { pick, pruneTenant } from './pruner.js';
import { DEFAULT_RETENTION, MAX_DAYS, MIN_DAYS, RetentionRepository, validateSettings, type RetentionSettings } from './repository.js';
import { retentionBodySchema } from './schemas.js';

/** Who reads the tenant's retention: those who answer for its data (developers do not). */
export const RETENTION_READERS: readonly Role[] = ['admin', 'analyst', 'auditor'];

/**
 * The tenant's retention settings (read by admins, analysts and auditors; changed by admins, audited) and a prune
 * of the tenant now (admins), which answers the rows deleted per kind.
 */
export const retentionModule: ApiModule = {
  name: 'retention',
  async register(app, ctx) {
    const repo = new RetentionRepository(ctx.store.sql);
    const tags = ['settings'];
    const view = async (tenant: number) => ({ ...(await repo.get(tenant)), defaults: DEFAULT_RETENTION, minDays: MIN_DAYS, maxDays: MAX_DAYS });

    app.get(
      '/api/v1/settings/retention',
      { onRequest: ctx.requireRole(RETENTION_READERS), schema: { summary: "The tenant's data retention in days (0 = forever), with defaults and bounds", tags, security: bearer, response: errorResponses } },
      async (req) => view(principal(req).tenant),
    );

    app.put<{ Body: RetentionSettings }>(
      '/api/v1/settings/retention',
      {
        onRequest: ctx.requireRole(ADMIN_ONLY),
        schema: { summary: "Set the tenant's data retention (every field; 0 keeps forever)", tags, security: bearer, body: retentionBodySchema, response: errorResponses },
      },
      async (req) => {
        const p = principal(req);
        const next = validateSettings(req.body);
        const before = await repo.get(p.tenant);
        await repo.put(p.tenant, next, p.actor, new Date());
        await ctx.audit(p, 'retention.update', `tenant:${p.tenant}`, { from: pick(before), to: next });
        return view(p.tenant);
      },
    );

    app.post(
      '/api/v1/settings/retention/run',
      { onRequest: ctx.requireRole(ADMIN_ONLY), schema: { summary: "Prune the tenant's data older than its retention now; rows deleted per kind", tags, security: bearer, response: errorResponses } },
      async (req) => {
        const p = principal(req);
        const now = new Date();
        const settings = pick(await repo.get(p.tenant));
        const counts = await pruneTenant(ctx.store, p.tenant, settings, now, { actor: p.actor });
        await repo.recordRun(p.tenant, now, counts);
        await ctx.audit(p, 'retention.run', `tenant:${p.tenant}`, { counts, settings });
        return { at: now.toISOString(), counts };
      },
    );
  },
};
