import { dangerousCaps, dockerSocket, hostNamespaces, latestImage, privileged, rootUser, sensitiveHostMount } from './runtime.js';

export const rules = [privileged, hostNamespaces, dockerSocket, latestImage, dangerousCaps, rootUser, sensitiveHostMount];
