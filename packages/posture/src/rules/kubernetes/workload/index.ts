import * as c from './containers.js';
import * as p from './pods.js';
import * as s from './security-context.js';

export const rules = [
  c.secretInEnv, c.credentialsInEnv, c.imageDigest, c.malformedDigest, c.dockerSocket, c.memoryLimit, c.memoryRequest, c.cpuLimit, c.cpuRequest, c.memoryBoth,
  c.cpuBoth, c.readOnlyRootFs, c.imagePullPolicy, c.latestTag, c.livenessProbe, c.readinessProbe, c.sysAdmin, c.anyCapabilityAdded,
  c.insecureCapabilities, c.highUid, c.highGid, c.linuxHardening, c.sudoEntrypoint, c.duplicateEnv, c.oldRegistry,
  p.defaultNamespace, p.automountToken, p.writableHostPath, p.sensitiveHostMount, p.credentialPathMount, p.deprecatedServiceAccount,
  p.nakedPod, p.tiller, p.systemNamespace, p.netRaw, p.seccompDefault,
  s.seccompUnset, s.fsGroupUnset, s.fsGroupChangePolicyUnset, s.rootSupplementalGroup, s.seLinuxUnset, s.privilegedOrSysAdmin, s.tokenAutomounted,
  s.missingServiceAccount, ...p.defaultNamespaceObjects,
];
