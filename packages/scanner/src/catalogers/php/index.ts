import type { Cataloger } from '../types.js';
import { composerLock } from './composer-lock/composer-lock.js';

export const phpCatalogers: readonly Cataloger[] = [composerLock];
