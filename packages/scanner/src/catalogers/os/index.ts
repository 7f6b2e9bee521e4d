import type { Cataloger } from '../types.js';
import { apk } from './apk/apk.js';
import { dpkg } from './dpkg/dpkg.js';
import { osRelease } from './os-release/os-release.js';
import { rpm } from './rpm/rpm.js';

export const osCatalogers: readonly Cataloger[] = [osRelease, dpkg, apk, rpm];
