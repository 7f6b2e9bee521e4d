import type { Cataloger } from '../types.js';
import { javaRuntime } from './java/java.js';
import { nodeRuntime } from './node/node.js';
import { pythonRuntime } from './python/python.js';

export { javaRuntime, nodeRuntime, pythonRuntime };
export const runtimeCatalogers: readonly Cataloger[] = [nodeRuntime, pythonRuntime, javaRuntime];
