import type { Cataloger } from '../types.js';
import { gemfileLock } from './gemfile-lock/gemfile-lock.js';
import { gemspec } from './gemspec/gemspec.js';

export const rubyCatalogers: readonly Cataloger[] = [gemspec, gemfileLock];
