import type { Cataloger } from '../types.js';
import { javaArchive } from './archive/archive.js';

export { javaArchive };
export const javaCatalogers: readonly Cataloger[] = [javaArchive];
