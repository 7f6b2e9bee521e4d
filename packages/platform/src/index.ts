export * from './storage/index.js';
export * from './server/index.js';
