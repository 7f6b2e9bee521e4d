export { buildServer, startServer, DEFAULT_BODY_LIMIT, type ServerOptions, type StartOptions } from './server.js';
export { TokenRegistry, CAN_INGEST, CAN_TRIAGE, READ_ROLES, ADMIN_ONLY, type StaticToken, type AuthResult } from './auth.js';
export { principal, type ApiContext, type ApiModule, type IngestQueue, type IngestListener, type IngestedEvent, type Principal } from './context.js';
export { IngestPipeline, LocalIngestQueue } from './ingest.js';
