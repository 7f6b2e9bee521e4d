import type { K8sResource } from '../../../kubernetes/parse.js';
import { derived } from '../../../kubernetes/derived.js';
import { ofKind, ofKindNamed } from '../../../kubernetes/indexes.js';
import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { K8sRule } from '../../../kubernetes/rule.js';
import { getIn, isRecord } from '../../../kubernetes/workload.js';
import type { Violation } from '../../types.js';
import { cloudViolation, providerOf } from './describe.js';

// Cloud-specific readings of registry, IAM and in-cluster objects (Nodes, Services, PersistentVolumes).

export const registryScanning = defineK8sRule({
  id: 'BLW-K8S-883',
  title: 'Container registry repository does not scan images',
  severity: 'medium',
  description: 'Images pushed to a repository without scan-on-push (ECR) or vulnerability scanning (Artifact Registry) are never checked for known vulnerabilities.',
  remediation: 'ECR: aws ecr put-image-scanning-configuration --image-scanning-configuration scanOnPush=true; Artifact Registry: --vulnerability-scanning-config=ENABLE_VULNERABILITY_SCANNING.',
  references: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html', 'https://cloud.google.com/artifact-analysis/docs/container-scanning-overview'],
  aliases: ['C-0221', 'ensure-image-scanning-enabled-cloud'],
  tags: ['cloud', 'registry'],
  on: 'resource',
  kinds: ['DescribeRepositories'],
  check: (r) => {
    const p = providerOf(r, 'DescribeRepositories');
    const out: Violation[] = [];
    if (p === 'eks') {
      const repos = getIn(r.object, ['data', 'Repositories']);
      if (Array.isArray(repos)) repos.forEach((repo, i) => {
        if (isRecord(repo) && getIn(repo, ['ImageScanningConfiguration', 'ScanOnPush']) !== true) out.push(cloudViolation(r, `ECR repository ${String(repo.RepositoryName ?? i)} does not scan on push`, ['data', 'Repositories', i]));
      });
    } else if (p === 'gke') {
      const repos = getIn(r.object, ['data', 'registries']);
      if (Array.isArray(repos)) repos.forEach((repo, i) => {
        if (isRecord(repo) && getIn(repo, ['vulnerabilityScanningConfig', 'enableVulnerabilityScanning']) !== true) out.push(cloudViolation(r, `Artifact Registry repository ${String(repo.name ?? i)} has vulnerability scanning off`, ['data', 'registries', i]));
      });
    }
    return out;
  },
});

const PRIMITIVE_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);

export const gcpPrimitiveRoles = defineK8sRule({
  id: 'BLW-K8S-884',
  title: 'GKE project grants primitive IAM roles',
  severity: 'medium',
  description: 'Primitive roles (Owner, Editor, Viewer) grant project-wide access, including to every GKE cluster and its workload identities; GKE access should use predefined container roles or Kubernetes RBAC.',
  remediation: 'Replace roles/owner, roles/editor and roles/viewer bindings with the narrowest roles/container.* role, and manage in-cluster access with RBAC.',
  references: ['https://cloud.google.com/kubernetes-engine/docs/how-to/iam', 'https://cloud.google.com/iam/docs/understanding-roles#basic'],
  aliases: ['C-0308', 'list-iam-policies-in-gcp'],
  tags: ['cloud', 'iam'],
  on: 'resource',
  kinds: ['ListEntitiesForPolicies'],
  check: (r) => {
    if (providerOf(r, 'ListEntitiesForPolicies') !== 'gke') return [];
    const bindings = getIn(r.object, ['data', 'rolesPolicies', 'bindings']);
    if (!Array.isArray(bindings)) return [];
    return bindings.flatMap((b, i): Violation[] => {
      if (!isRecord(b) || !PRIMITIVE_ROLES.has(String(b.role))) return [];
      const members = Array.isArray(b.members) ? b.members.map(String) : [];
      return [cloudViolation(r, `${String(b.role)} is granted to ${members.join(', ') || 'no members'}`, ['data', 'rolesPolicies', 'bindings', i])];
    });
  },
});

const OPTIMIZED_OS = [/^Bottlerocket/i, /^Container-Optimized OS/i, /^Flatcar/i, /^Talos/i, /^Fedora CoreOS/i];

export const containerOptimizedOs = defineK8sRule({
  id: 'BLW-K8S-885',
  title: 'Node does not run a container-optimized OS',
  severity: 'low',
  description: 'A general-purpose node OS carries packages, shells and services containers never need; container-optimized images (Bottlerocket, Container-Optimized OS, Flatcar, Talos) shrink the node attack surface and are read-only.',
  remediation: 'Move node groups to a container-optimized image (Bottlerocket on EKS, COS on GKE).',
  references: ['https://aws.amazon.com/bottlerocket/', 'https://cloud.google.com/container-optimized-os/docs'],
  aliases: ['C-0226', 'alert-container-optimized-os-not-in-use'],
  tags: ['cloud', 'node'],
  on: 'resource',
  kinds: ['Node'],
  check: (r) => {
    const os = getIn(r.object, ['status', 'nodeInfo', 'osImage']);
    if (typeof os !== 'string' || os === '') return [];
    return OPTIMIZED_OS.some((re) => re.test(os)) ? [] : [{ message: `node ${r.name} runs ${os}`, path: ['status', 'nodeInfo', 'osImage'] }];
  },
});

/** A node that runs on AWS (EC2 or Fargate): its provider id, EKS labels or EC2 host name. */
function onAws(n: K8sResource): boolean {
  const providerId = getIn(n.object, ['spec', 'providerID']);
  return (typeof providerId === 'string' && providerId.startsWith('aws://'))
    || Object.keys(n.labels).some((k) => k.startsWith('eks.amazonaws.com/'))
    || /\.compute\.internal$/.test(n.name);
}

const isFargate = (n: K8sResource): boolean => n.name.startsWith('fargate-') || n.labels['eks.amazonaws.com/compute-type'] === 'fargate';

export const fargateNotUsed = defineK8sRule({
  id: 'BLW-K8S-886',
  title: 'EKS cluster runs no workload on Fargate',
  severity: 'low',
  description: 'Fargate runs each pod in its own micro-VM, so untrusted workloads there share no kernel with other pods; an EKS cluster with only EC2 nodes gives them none of that isolation.',
  remediation: 'Create a Fargate profile for namespaces that run untrusted workloads.',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/fargate.html'],
  aliases: ['C-0233', 'alert-fargate-not-in-use'],
  tags: ['cloud', 'node'],
  on: 'resource',
  kinds: ['Node'],
  check: (r, all) => {
    const nodes = derived(all, 'cloud-provider/v1-nodes', (xs) => ofKind(xs, 'Node').filter((x) => x.apiVersion === 'v1'));
    // reported once, on the first node, and only for clusters that are on AWS
    if (nodes[0] !== r || !nodes.some(onAws) || nodes.some(isFargate)) return [];
    return [{ message: `none of the ${nodes.length} nodes is a Fargate node`, path: ['metadata', 'name'] }];
  },
});

export const awsLoadBalancerTls = defineK8sRule({
  id: 'BLW-K8S-887',
  title: 'AWS LoadBalancer on port 443 has no TLS certificate',
  severity: 'medium',
  description: 'A LoadBalancer Service listening on 443 without service.beta.kubernetes.io/aws-load-balancer-ssl-cert passes HTTPS-port traffic through the AWS load balancer unterminated and unverified.',
  remediation: 'Set service.beta.kubernetes.io/aws-load-balancer-ssl-cert to an ACM certificate ARN (and aws-load-balancer-ssl-ports).',
  references: ['https://kubernetes.io/docs/reference/labels-annotations-taints/#service-beta-kubernetes-io-aws-load-balancer-ssl-cert'],
  aliases: ['C-0231', 'ensure-https-loadbalancers-encrypted-with-tls-aws'],
  tags: ['cloud', 'network'],
  on: 'resource',
  kinds: ['Service'],
  check: (r) => {
    if (getIn(r.object, ['spec', 'type']) !== 'LoadBalancer') return [];
    const ports = getIn(r.object, ['spec', 'ports']);
    const https = Array.isArray(ports) && ports.some((p) => isRecord(p) && Number(p.port) === 443);
    if (!https) return [];
    const keys = Object.keys(r.annotations);
    // another cloud's load balancer: the AWS annotation means nothing there
    if (keys.some((k) => k.startsWith('service.beta.kubernetes.io/azure-') || k.startsWith('cloud.google.com/') || k.startsWith('networking.gke.io/'))) return [];
    return keys.some((k) => k.startsWith('service.beta.kubernetes.io/aws-load-balancer-ssl-cert')) ? [] : [{ message: `LoadBalancer ${r.name} serves port 443 without an ACM certificate`, path: ['metadata', 'annotations'] }];
  },
});

const INTERNAL_LB: readonly [string, string][] = [
  ['service.beta.kubernetes.io/azure-load-balancer-internal', 'true'],
  ['service.beta.kubernetes.io/aws-load-balancer-internal', 'true'],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', 'internal'],
  ['networking.gke.io/load-balancer-type', 'internal'],
  ['cloud.google.com/load-balancer-type', 'internal'],
];

export function isInternalLoadBalancer(svc: K8sResource): boolean {
  return INTERNAL_LB.some(([k, v]) => (svc.annotations[k] ?? '').toLowerCase() === v);
}

export const httpsThroughIngress = defineK8sRule({
  id: 'BLW-K8S-888',
  title: 'Traffic enters without TLS termination (public LoadBalancer or Ingress without TLS)',
  severity: 'medium',
  description: 'External HTTP(S) traffic should enter through an Ingress (e.g. Application Gateway) that terminates TLS with a certificate, behind internal load balancers; a public LoadBalancer Service or an Ingress without spec.tls carries it unencrypted or unverified.',
  remediation: 'Mark LoadBalancer Services internal (service.beta.kubernetes.io/azure-load-balancer-internal: "true") and publish them through an Ingress with spec.tls.',
  references: ['https://learn.microsoft.com/azure/aks/internal-lb', 'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls'],
  aliases: ['C-0245', 'encrypt-traffic-to-https-load-balancers-with-tls-certificates'],
  tags: ['cloud', 'network'],
  on: 'resource',
  kinds: ['Service', 'Ingress'],
  check: (r) => {
    if (r.kind === 'Service') {
      if (getIn(r.object, ['spec', 'type']) !== 'LoadBalancer' || isInternalLoadBalancer(r)) return [];
      return [{ message: `LoadBalancer ${r.name} is public (not marked internal)`, path: ['metadata', 'annotations'] }];
    }
    const tls = getIn(r.object, ['spec', 'tls']);
    return Array.isArray(tls) && tls.length > 0 ? [] : [{ message: `Ingress ${r.name} has no spec.tls`, path: ['spec'] }];
  },
});

/** StorageClass parameters or provisioners that mean encrypted volumes. */
function encryptedClass(sc: K8sResource): boolean {
  const params = isRecord(sc.object.parameters) ? sc.object.parameters : {};
  const provisioner = typeof sc.object.provisioner === 'string' ? sc.object.provisioner : '';
  if (String(params.encrypted).toLowerCase() === 'true') return true;
  if (params.kmsKeyId || params.diskEncryptionSetID || params['disk-encryption-kms-key']) return true;
  // Azure disks and GCE persistent disks are encrypted at rest by the platform
  return provisioner.includes('azure') || provisioner.includes('csi.storage.gke.io') || provisioner === 'kubernetes.io/gce-pd';
}

export const pvEncryption = defineK8sRule({
  id: 'BLW-K8S-889',
  title: 'PersistentVolume uses a StorageClass without encryption',
  severity: 'medium',
  description: 'Volumes of a StorageClass that does not ask for encryption (e.g. EBS without encrypted: "true") keep data and snapshots readable to anyone with access to the disks.',
  remediation: 'Use a StorageClass with encryption (EBS encrypted: "true" and a kmsKeyId, Azure diskEncryptionSetID, GKE CMEK).',
  references: ['https://kubernetes.io/docs/concepts/storage/storage-classes/'],
  aliases: ['C-0264', 'pv-without-encryption'],
  tags: ['cloud', 'storage'],
  on: 'resource',
  kinds: ['PersistentVolume'],
  check: (r, all) => {
    const cls = getIn(r.object, ['spec', 'storageClassName']);
    if (typeof cls !== 'string') return [];
    const sc = ofKindNamed(all, 'StorageClass', cls)[0];
    if (!sc || encryptedClass(sc)) return [];
    return [{ message: `PersistentVolume ${r.name} uses StorageClass ${cls}, which does not encrypt volumes`, path: ['spec', 'storageClassName'] }];
  },
});

export const resourceRules: readonly K8sRule[] = [registryScanning, gcpPrimitiveRoles, containerOptimizedOs, fargateNotUsed, awsLoadBalancerTls, httpsThroughIngress, pvEncryption];
