import type { FrameworkSpec } from '../types.js';

// NSA/CISA Kubernetes Hardening Guidance v1.2 (August 2022). The guide has recommendations, not numbered controls;
// ids are the kebab-case names rule metadata already uses (pod-security, capabilities...), extended with the
// guide's other sections that manifest rules can check.
export const nsaCisa: FrameworkSpec = {
  id: 'nsa-cisa',
  name: 'NSA/CISA Kubernetes Hardening Guidance',
  version: '1.2',
  metadataIds: ['nsa-cisa-k8s-1.2'],
  references: ['https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF'],
  controls: [
    { id: 'non-root', title: 'Use containers built to run applications as non-root users', rules: ['BLW-K8S-017', 'BLW-K8S-018'] },
    { id: 'immutable-filesystem', title: 'Run containers with immutable file systems where possible' },
    { id: 'pod-security', title: 'Enforce Pod security (privileged, host namespaces, hostPath, privilege escalation) with a technical control' },
    { id: 'capabilities', title: 'Drop unneeded Linux capabilities' },
    { id: 'linux-hardening', title: 'Use Linux security features (seccomp, AppArmor, SELinux) to harden containers', rules: ['BLW-K8S-011', 'BLW-K8S-019', 'BLW-K8S-223'] },
    { id: 'service-account-tokens', title: 'Protect Pod service account tokens: do not mount them where not needed', rules: ['BLW-K8S-216'] },
    { id: 'network-policies', title: 'Use network policies to isolate resources (default-deny ingress and egress)', rules: ['BLW-K8S-401', 'BLW-K8S-402'] },
    { id: 'resource-policies', title: 'Use LimitRanges, ResourceQuotas and container limits to bound resource use' },
    { id: 'secrets', title: 'Keep secrets out of images and environment variables; encrypt Secrets at rest', rules: ['BLW-K8S-200', 'BLW-K8S-131'] },
    { id: 'authentication-authorization', title: 'Disable anonymous access and use RBAC with least privilege', rules: ['BLW-K8S-100', 'BLW-K8S-106', 'BLW-K8S-108', 'BLW-K8S-170', 'BLW-K8S-171', 'BLW-K8S-312', 'BLW-K8S-320', 'BLW-K8S-330'] },
    { id: 'audit-logging', title: 'Enable Kubernetes audit logging with an audit policy', rules: ['BLW-K8S-120', 'BLW-K8S-133'] },
  ],
};
