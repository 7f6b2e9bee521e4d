export { IdentityRepository, type User, type UserInput, type UserUpdate, type IdentityOptions, type TenantSummary, type TenantCreate } from './repository.js';
export { hashPassword, verifyPassword, DEFAULT_PASSWORD_COST, type PasswordCost } from './password.js';
export type { OidcOptions } from './oidc.js';
export { generatePassword } from './password.js';
export { SESSION_COOKIE, CSRF_COOKIE, CSRF_HEADER } from './sessions.js';
