export { rules as podSecurity } from './pod-security/index.js';
export { rules as controlPlane } from './control-plane/index.js';
export { rules as workload } from './workload/index.js';
export { rules as rbac } from './rbac/index.js';
export { rules as network } from './network/index.js';
export { rules as podSecurityPolicy } from './pod-security-policy/index.js';
export { rules as availability } from './availability/index.js';
export { rules as agentSandbox } from './agent-sandbox/index.js';
