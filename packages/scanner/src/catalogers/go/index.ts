import type { Cataloger } from '../types.js';
import { goBinary } from './binary/go-binary.js';
import { goMod } from './mod/go-mod.js';

export { goBinary, goMod };
export const goCatalogers: readonly Cataloger[] = [goBinary, goMod];
