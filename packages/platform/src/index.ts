export * from './storage/index.js';
export * from './server/index.js';
export * from './bus/index.js';
export * from './identity/index.js';
export * from './risk/index.js';
export { assetsModule } from './assets/routes.js';
export * from './alerts/index.js';
export * from './reports/index.js';
export * from './retention/index.js';
