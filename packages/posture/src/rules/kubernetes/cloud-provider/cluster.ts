import type { Severity } from '@bulwark/core';
import type { K8sResource } from '../../../kubernetes/parse.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { DocPath, Violation } from '../../types.js';
import { cloudViolation, field, providerOf } from './describe.js';
import type { Provider } from './describe.js';

// Managed-cluster settings read from the provider's describe-cluster output (aws eks describe-cluster,
// az aks show, gcloud container clusters describe), wrapped as a ClusterDescribe object.
const EKS_CIS = 'https://www.cisecurity.org/benchmark/kubernetes';

interface ClusterSpec {
  id: string;
  title: string;
  severity: Severity;
  aliases: string[];
  description: string;
  remediation: string;
  references: string[];
  /** Why the cluster fails, per provider it applies to; undefined when it passes. */
  judge: Partial<Record<Provider, (r: K8sResource) => { message: string; path: DocPath } | undefined>>;
}

function clusterRule(spec: ClusterSpec): K8sRule {
  return defineK8sRule({
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    description: spec.description,
    remediation: spec.remediation,
    references: spec.references,
    aliases: spec.aliases,
    tags: ['cloud'],
    on: 'resource',
    kinds: ['ClusterDescribe'],
    check: (r): Violation[] => {
      const p = providerOf(r, 'ClusterDescribe');
      const v = p && spec.judge[p]?.(r);
      return v ? [cloudViolation(r, v.message, v.path)] : [];
    },
  });
}

const VPC: DocPath = ['data', 'Cluster', 'ResourcesVpcConfig'];
const AKS: DocPath = ['data', 'properties'];

export const secretsEncryption = clusterRule({
  id: 'BLW-K8S-870',
  title: 'Managed cluster does not encrypt Secrets with a KMS key',
  severity: 'high',
  aliases: ['C-0066', 'C-0244', 'secret-etcd-encryption-cloud'],
  description: 'Secrets are stored in etcd; without envelope encryption (EKS EncryptionConfig for secrets, GKE application-layer secrets encryption, AKS Key Vault KMS) anyone reading etcd or its backups reads every Secret.',
  remediation: 'EKS: eksctl utils enable-secrets-encryption; GKE: --database-encryption-key; AKS: az aks update --enable-azure-keyvault-kms.',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html', 'https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets', 'https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption'],
  judge: {
    eks: (r) => {
      const enc = getIn(r.object, ['data', 'Cluster', 'EncryptionConfig']);
      const list = Array.isArray(enc) ? enc : [];
      const secrets = list.some((c) => isRecord(c) && Array.isArray(c.Resources) && c.Resources.includes('secrets'));
      return secrets ? undefined : { message: 'EncryptionConfig does not cover secrets', path: ['data', 'Cluster', 'EncryptionConfig'] };
    },
    gke: (r) => {
      const s = field(r, ['data', 'database_encryption', 'state'], ['data', 'databaseEncryption', 'state']);
      const on = s !== undefined && [1, '1', 'ENCRYPTED'].includes(s.value as string | number);
      return on ? undefined : { message: `application-layer secrets encryption is ${s ? `in state ${String(s.value)}` : 'not configured'}`, path: s?.path ?? ['data'] };
    },
    aks: (r) => {
      if (getIn(r.object, [...AKS, 'securityProfile', 'azureKeyVaultKms', 'enabled']) === true) return undefined;
      // kubescape also accepts encryption at host on every node pool
      const pools = getIn(r.object, [...AKS, 'agentPoolProfiles']);
      if (Array.isArray(pools) && pools.length > 0 && pools.every((p) => isRecord(p) && p.enableEncryptionAtHost === true)) return undefined;
      return { message: 'neither Azure Key Vault KMS nor encryption at host is enabled', path: [...AKS, 'securityProfile'] };
    },
  },
});

function eksAuditLogs(r: K8sResource): { message: string; path: DocPath } | undefined {
  const setups = getIn(r.object, ['data', 'Cluster', 'Logging', 'ClusterLogging']);
  const on = Array.isArray(setups) && setups.some((s) => isRecord(s) && (s.Enabled === true || s.enabled === true)
    && Array.isArray(s.Types) && s.Types.some((t) => ['api', 'audit', 'authenticator'].includes(String(t))));
  return on ? undefined : { message: 'no api/audit/authenticator control plane log type is enabled', path: ['data', 'Cluster', 'Logging'] };
}

export const auditLogs = clusterRule({
  id: 'BLW-K8S-871',
  title: 'Managed cluster control plane audit logging is disabled',
  severity: 'medium',
  aliases: ['C-0067', 'k8s-audit-logs-enabled-cloud'],
  description: 'Without control plane (audit/API) logs there is no record of who did what through the API server.',
  remediation: 'EKS: aws eks update-cluster-config --logging with api, audit and authenticator enabled; GKE: enable SYSTEM_COMPONENTS/APISERVER logging components.',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html', 'https://cloud.google.com/kubernetes-engine/docs/how-to/audit-logging'],
  judge: {
    eks: eksAuditLogs,
    gke: (r) => {
      const c = field(r, ['data', 'logging_config', 'component_config', 'enable_components'], ['data', 'loggingConfig', 'componentConfig', 'enableComponents']);
      return Array.isArray(c?.value) && c.value.length > 0 ? undefined : { message: 'no logging components are enabled', path: c?.path ?? ['data'] };
    },
  },
});

export const rbacDisabled = clusterRule({
  id: 'BLW-K8S-872',
  title: 'Managed cluster has Kubernetes RBAC disabled',
  severity: 'high',
  aliases: ['C-0088', 'rbac-enabled-cloud'],
  description: 'Without RBAC (AKS enableRBAC false, GKE legacy ABAC) every authenticated identity is authorized broadly.',
  remediation: 'AKS: recreate the cluster with RBAC enabled; GKE: gcloud container clusters update --no-enable-legacy-authorization.',
  references: ['https://learn.microsoft.com/azure/aks/azure-ad-rbac', 'https://cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control'],
  judge: {
    aks: (r) => (getIn(r.object, [...AKS, 'enableRBAC']) === false ? { message: 'enableRBAC is false', path: [...AKS, 'enableRBAC'] } : undefined),
    gke: (r) => {
      const a = field(r, ['data', 'legacy_abac', 'enabled'], ['data', 'legacyAbac', 'enabled']);
      return a?.value === true ? { message: 'legacy ABAC authorization is enabled', path: a.path } : undefined;
    },
  },
});

export const accessEntries = clusterRule({
  id: 'BLW-K8S-873',
  title: 'EKS cluster authenticates only through the aws-auth ConfigMap',
  severity: 'medium',
  aliases: ['C-0285', 'cluster-access-manager-api-eks'],
  description: 'With authentication mode CONFIG_MAP, access is managed by editing the aws-auth ConfigMap, which is error-prone and invisible to IAM; EKS access entries (mode API) are auditable IAM resources.',
  remediation: 'aws eks update-cluster-config --access-config authenticationMode=API_AND_CONFIG_MAP (then API).',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html'],
  judge: {
    eks: (r) => (getIn(r.object, ['data', 'Cluster', 'AccessConfig', 'AuthenticationMode']) === 'CONFIG_MAP'
      ? { message: 'AccessConfig.AuthenticationMode is CONFIG_MAP', path: ['data', 'Cluster', 'AccessConfig', 'AuthenticationMode'] } : undefined),
  },
});

export const eksPrivateAccess = clusterRule({
  id: 'BLW-K8S-874',
  title: 'EKS API endpoint has no private access',
  severity: 'medium',
  aliases: ['C-0227', 'ensure-endpointprivateaccess-is-enabled', 'ensure-endpointprivateaccess-is-enabled-eks', 'ensure-endpointprivateaccess-is-enabled-whenendpointpublicaccess-is-enabled-eks'],
  description: 'Without private endpoint access, nodes and in-VPC clients reach the API server over its public endpoint.',
  remediation: 'aws eks update-cluster-config --resources-vpc-config endpointPrivateAccess=true.',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html', EKS_CIS],
  judge: {
    eks: (r) => (getIn(r.object, [...VPC, 'EndpointPrivateAccess']) === false ? { message: 'EndpointPrivateAccess is false', path: [...VPC, 'EndpointPrivateAccess'] } : undefined),
  },
});

export const eksPublicAccess = clusterRule({
  id: 'BLW-K8S-875',
  title: 'EKS API endpoint is public',
  severity: 'medium',
  aliases: ['C-0228', 'ensure-endpointprivateaccess-is-enabled-and-endpointpublicaccess-is-disabled-eks'],
  description: 'A public API endpoint exposes the control plane to the internet (to the allowed CIDRs); a private-only endpoint keeps it inside the VPC.',
  remediation: 'aws eks update-cluster-config --resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false.',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html', EKS_CIS],
  judge: {
    eks: (r) => {
      if (getIn(r.object, [...VPC, 'EndpointPublicAccess']) === true) return { message: 'EndpointPublicAccess is true', path: [...VPC, 'EndpointPublicAccess'] };
      return getIn(r.object, [...VPC, 'EndpointPrivateAccess']) === false ? { message: 'EndpointPrivateAccess is false', path: [...VPC, 'EndpointPrivateAccess'] } : undefined;
    },
  },
});

export const eksOpenEndpoint = clusterRule({
  id: 'BLW-K8S-876',
  title: 'EKS public API endpoint is open to the whole internet',
  severity: 'high',
  aliases: ['ensure-endpointpublicaccess-is-disabled-on-private-nodes-eks'],
  description: 'A public endpoint whose allowed CIDRs include 0.0.0.0/0 lets anyone on the internet try to authenticate against the API server.',
  remediation: 'Restrict publicAccessCidrs to known ranges, or disable public access.',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html'],
  judge: {
    eks: (r) => {
      if (getIn(r.object, [...VPC, 'EndpointPublicAccess']) !== true) return undefined;
      const cidrs = getIn(r.object, [...VPC, 'PublicAccessCidrs']);
      return Array.isArray(cidrs) && cidrs.includes('0.0.0.0/0') ? { message: 'PublicAccessCidrs includes 0.0.0.0/0', path: [...VPC, 'PublicAccessCidrs'] } : undefined;
    },
  },
});

const aksPrivate = (r: K8sResource): boolean => getIn(r.object, [...AKS, 'apiServerAccessProfile', 'enablePrivateCluster']) === true;

export const aksPrivateEndpoint = clusterRule({
  id: 'BLW-K8S-877',
  title: 'AKS API server has no private endpoint',
  severity: 'medium',
  aliases: ['C-0252', 'ensure-clusters-are-created-with-private-endpoint-enabled-and-public-access-disabled'],
  description: 'Without a private endpoint the AKS API server is reached over a public address.',
  remediation: 'Create the cluster with --enable-private-cluster (or a private endpoint to the API server).',
  references: ['https://learn.microsoft.com/azure/aks/private-clusters'],
  judge: {
    aks: (r) => (getIn(r.object, [...AKS, 'privateEndpoint', 'id']) || aksPrivate(r) ? undefined : { message: 'properties.privateEndpoint.id is not set', path: [...AKS, 'privateEndpoint'] }),
  },
});

export const aksPrivateNodes = clusterRule({
  id: 'BLW-K8S-878',
  title: 'AKS cluster is not a private cluster',
  severity: 'medium',
  aliases: ['C-0248', 'ensure-clusters-are-created-with-private-nodes'],
  description: 'A private AKS cluster keeps the API server and node traffic on private addresses.',
  remediation: 'Create the cluster with --enable-private-cluster.',
  references: ['https://learn.microsoft.com/azure/aks/private-clusters'],
  judge: {
    aks: (r) => (aksPrivate(r) ? undefined : { message: 'apiServerAccessProfile.enablePrivateCluster is not true', path: [...AKS, 'apiServerAccessProfile'] }),
  },
});

export const aksAuthorizedRanges = clusterRule({
  id: 'BLW-K8S-879',
  title: 'AKS public API server accepts any source address',
  severity: 'medium',
  aliases: ['C-0247', 'restrict-access-to-the-control-plane-endpoint'],
  description: 'A public AKS API server without authorized IP ranges accepts connections from the whole internet.',
  remediation: 'az aks update --api-server-authorized-ip-ranges <cidrs>, or make the cluster private.',
  references: ['https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges'],
  judge: {
    aks: (r) => {
      if (aksPrivate(r)) return undefined;
      const ranges = getIn(r.object, [...AKS, 'apiServerAccessProfile', 'authorizedIPRanges']);
      return Array.isArray(ranges) && ranges.length > 0 ? undefined : { message: 'apiServerAccessProfile.authorizedIPRanges is empty', path: [...AKS, 'apiServerAccessProfile'] };
    },
  },
});

const AKS_POLICIES = new Set(['azure', 'calico', 'cilium']);

export const aksNetworkPolicy = clusterRule({
  id: 'BLW-K8S-880',
  title: 'AKS cluster has no network policy engine',
  severity: 'medium',
  aliases: ['C-0240', 'rule-cni-enabled-aks'],
  description: 'Without a network policy engine (Azure, Calico or Cilium) AKS ignores every NetworkPolicy object.',
  remediation: 'Create the cluster with --network-policy azure|calico|cilium.',
  references: ['https://learn.microsoft.com/azure/aks/use-network-policies'],
  judge: {
    aks: (r) => {
      const p = getIn(r.object, [...AKS, 'networkProfile', 'networkPolicy']);
      return typeof p === 'string' && AKS_POLICIES.has(p.toLowerCase()) ? undefined : { message: `networkProfile.networkPolicy is ${p === undefined || p === null ? 'not set' : String(p)}`, path: [...AKS, 'networkProfile'] };
    },
  },
});

export const aksAzureRbac = clusterRule({
  id: 'BLW-K8S-881',
  title: 'AKS cluster does not use Azure RBAC for Kubernetes authorization',
  severity: 'medium',
  aliases: ['C-0241', 'ensure-azure-rbac-is-set'],
  description: 'Azure RBAC for Kubernetes authorization manages cluster access with Entra ID identities and auditable role assignments.',
  remediation: 'az aks update --enable-azure-rbac (with Entra ID integration).',
  references: ['https://learn.microsoft.com/azure/aks/manage-azure-rbac'],
  judge: {
    aks: (r) => (getIn(r.object, [...AKS, 'aadProfile', 'enableAzureRBAC']) === true ? undefined : { message: 'aadProfile.enableAzureRBAC is not true', path: [...AKS, 'aadProfile'] }),
  },
});

export const aksDefender = clusterRule({
  id: 'BLW-K8S-882',
  title: 'AKS cluster does not scan images with Defender',
  severity: 'low',
  aliases: ['ensure-image-vulnerability-scanning-using-azure-defender-image-scanning-or-a-third-party-provider'],
  description: 'Microsoft Defender for Containers scans images for vulnerabilities; without it (or a third-party scanner) vulnerable images run unnoticed.',
  remediation: 'az aks update --enable-defender, or run an equivalent image scanner.',
  references: ['https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-introduction'],
  judge: {
    aks: (r) => (getIn(r.object, [...AKS, 'securityProfile', 'defender', 'securityMonitoring', 'enabled']) === true
      ? undefined : { message: 'securityProfile.defender.securityMonitoring is not enabled', path: [...AKS, 'securityProfile'] }),
  },
});

export const clusterRules: readonly K8sRule[] = [
  secretsEncryption, auditLogs, rbacDisabled, accessEntries, eksPrivateAccess, eksPublicAccess, eksOpenEndpoint,
  aksPrivateEndpoint, aksPrivateNodes, aksAuthorizedRanges, aksNetworkPolicy, aksAzureRbac, aksDefender,
];
