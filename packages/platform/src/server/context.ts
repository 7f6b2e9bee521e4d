// The contract between the server core and the platform's route modules (findings, identity, alerts, reports,
// assets…): each module is one `ApiModule` listed in server.ts, registering its routes with the helpers here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FindingInput, IngestResult, Role, ScanInput, Store, TenantId } from '../storage/types.js';
import type { IdentityRepository } from '../identity/repository.js';
import type { ServerMetrics } from './metrics.js';

/** Who is calling, after authentication (bearer token or session cookie). */
export interface Principal {
  tenant: TenantId;
  role: Role;
  /** Audit actor: "token:ci-main", "user:7". */
  actor: string;
  /** Set for a logged-in user (session) or a user-owned token. */
  userId?: number;
  /**
   * Asset groups the caller is scoped to; undefined = the whole tenant. Lists and reads of assets and findings
   * must pass it as `assetGroups` so a scoped user sees only those groups' assets.
   */
  assetGroups?: number[];
  /** How the caller authenticated; session callers must pass the CSRF check on unsafe methods. */
  via: 'token' | 'session';
}

/** What one ingest changed, told to listeners (alerts) after the store committed it, wherever it ran (server or worker). */
export interface IngestedEvent {
  tenant: TenantId;
  scan: Pick<ScanInput, 'id' | 'target' | 'kind'>;
  result: IngestResult;
}

export type IngestListener = (event: IngestedEvent) => Promise<void>;

/** Accepts scan uploads: in-process by default (stored before the reply), or a durable queue drained by workers. */
export interface IngestQueue {
  submit(tenant: TenantId, scan: ScanInput, findings: FindingInput[]): Promise<{ queued: false; result: IngestResult } | { queued: true; scanId: string }>;
  close(): Promise<void>;
}

export interface ApiContext {
  store: Store;
  /** Users and sessions of the tenants. */
  identity: IdentityRepository;
  metrics: ServerMetrics;
  /**
   * An onRequest hook: authenticates the caller (401 otherwise), admits only `roles` (403 otherwise) and sets
   * `req.principal`. Reads of another tenant's object must answer 404 exactly as for a missing one.
   */
  requireRole(roles: readonly Role[]): (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** A JSON error `{ statusCode, error, message }`; messages name the field or object and what was expected. */
  send(reply: FastifyReply, statusCode: number, message: string): FastifyReply;
  /** Appends to the caller's tenant's audit hash chain. Every user action that changes something calls it. */
  audit(p: Principal, action: string, target?: string, details?: Record<string, unknown>): Promise<void>;
  /** Scan uploads go through here (never straight to the store) so queueing and listeners apply. */
  ingest: IngestQueue;
  /** Registers a listener called after every committed ingest (also in `bulwark worker`). */
  onIngested(listener: IngestListener): void;
}

/** One domain's routes. Paths live under /api/v1; every route has a schema (body/query/params, additionalProperties false). */
export interface ApiModule {
  name: string;
  register(app: FastifyInstance, ctx: ApiContext): Promise<void>;
}

/** The principal of a request that passed `requireRole`. */
export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('route has no requireRole hook');
  return req.principal;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
