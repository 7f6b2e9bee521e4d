import type { Cataloger } from '../types.js';
import { nodeModules } from './node-modules/node-modules.js';
import { packageLock } from './package-lock/package-lock.js';
import { pnpmLock } from './pnpm-lock/pnpm-lock.js';
import { yarnLock } from './yarn-lock/yarn-lock.js';

export const javascriptCatalogers: readonly Cataloger[] = [nodeModules, packageLock, yarnLock, pnpmLock];
