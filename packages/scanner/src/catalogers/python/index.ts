import type { Cataloger } from '../types.js';
import { distInfo } from './dist-info/dist-info.js';
import { pipfileLock } from './pipfile-lock/pipfile-lock.js';
import { poetryLock } from './poetry-lock/poetry-lock.js';
import { requirements } from './requirements/requirements.js';
import { uvLock } from './uv-lock/uv-lock.js';

export const pythonCatalogers: readonly Cataloger[] = [distInfo, requirements, poetryLock, pipfileLock, uvLock];
