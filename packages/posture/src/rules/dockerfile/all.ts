import type { DockerfileRule } from '../../dockerfile/rule.js';
import { rules as baseImage } from './base-image/index.js';
import { rules as insecureTransport } from './insecure-transport/index.js';
import { rules as instructions } from './instructions/index.js';
import { rules as langPackages } from './lang-packages/index.js';
import { rules as osPackages } from './os-packages/index.js';
import { rules as shell } from './shell/index.js';
import { rules as user } from './user/index.js';

/** Every Dockerfile rule family: one line per family folder. */
export const families: Record<string, readonly DockerfileRule[]> = {
  'base-image': baseImage,
  user,
  instructions,
  shell,
  'os-packages': osPackages,
  'lang-packages': langPackages,
  'insecure-transport': insecureTransport,
};

export const dockerfileRules: readonly DockerfileRule[] = Object.values(families).flat();
