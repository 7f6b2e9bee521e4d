import { amiEncryption, amiOwners } from './ami.js';
import { imdsv2, instanceAndLaunchConfigEncryptionCheckov, instanceEncryption, launchConfigEncryption, launchConfigPublicIp, userDataSecrets } from './instance.js';
import { aclAllPorts, aclPublicIngress, noDefaultVpc, sgDescription, sgPublicEgress, sgPublicIngress, sgRuleDescription, subnetPublicIp, vpcFlowLogs } from './network.js';

export const rules = [
  sgDescription,
  sgRuleDescription,
  sgPublicIngress,
  sgPublicEgress,
  aclAllPorts,
  aclPublicIngress,
  noDefaultVpc,
  subnetPublicIp,
  vpcFlowLogs,
  instanceEncryption,
  launchConfigEncryption,
  instanceAndLaunchConfigEncryptionCheckov,
  imdsv2,
  launchConfigPublicIp,
  userDataSecrets,
  amiOwners,
  amiEncryption,
];
