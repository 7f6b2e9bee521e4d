import { sandboxEgress, sandboxFloatingTag, sandboxRuntime } from './agent-sandbox.js';

export const rules = [sandboxEgress, sandboxRuntime, sandboxFloatingTag];
