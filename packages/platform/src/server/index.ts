export { buildServer, startServer, DEFAULT_BODY_LIMIT, type ServerOptions, type StartOptions } from './server.js';
export { TokenRegistry, type StaticToken, type Principal } from './auth.js';
