import { fileRules } from './files.js';
import { kubeletRules } from './kubelet.js';
import { nodeRules } from './node.js';

export const rules = [...fileRules, ...kubeletRules, ...nodeRules];
