import type { Cataloger } from '../types.js';
import { depsJson } from './deps-json/deps-json.js';
import { packagesLock } from './packages-lock/packages-lock.js';

export const dotnetCatalogers: readonly Cataloger[] = [depsJson, packagesLock];
