import type { ComposeRule } from './rule.js';
import { rules as runtime } from './runtime/index.js';

/** Every compose rule family: one line per family folder. */
export const composeRules: readonly ComposeRule[] = [...runtime];
