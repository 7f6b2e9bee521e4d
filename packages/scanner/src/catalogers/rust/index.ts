import type { Cataloger } from '../types.js';
import { cargoLock } from './cargo-lock/cargo-lock.js';
import { rustAuditable } from './auditable/auditable.js';

export const rustCatalogers: readonly Cataloger[] = [cargoLock, rustAuditable];
