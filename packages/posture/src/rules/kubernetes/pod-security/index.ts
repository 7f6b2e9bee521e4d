import {
  allowPrivilegeEscalation, appArmor, capabilitiesBaseline, capabilitiesRestricted, hostIpc, hostNetwork, hostPathVolumes, hostPid, hostPorts,
  privileged, probeHost, procMount, runAsNonRoot, runAsUserRoot, seLinux, seccompRestricted, seccompUnconfined, sysctls, volumeTypes,
  windowsHostProcess,
} from './pss.js';

export const rules = [
  privileged, hostNetwork, hostPid, hostIpc, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmor, seLinux, procMount,
  seccompUnconfined, sysctls, windowsHostProcess, probeHost, volumeTypes, allowPrivilegeEscalation, runAsNonRoot, runAsUserRoot,
  seccompRestricted, capabilitiesRestricted,
];
