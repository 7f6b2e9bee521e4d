import { attr, blocks, isFalse, isObject, listOf } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { trivy } from '../helpers.js';

const CLUSTER = ['aws_eks_cluster', 'AWS::EKS::Cluster'];

export const publicEndpoint = defineCloudRule({
  id: 'BLW-AWS-140',
  title: 'EKS cluster API endpoint is publicly accessible',
  severity: 'high',
  description: 'The Kubernetes API endpoint is reachable from the internet (the default) unless public access is disabled or restricted.',
  remediation: 'Set vpc_config.endpoint_public_access = false, or restrict public_access_cidrs (CloudFormation: ResourcesVpcConfig.EndpointPublicAccess / PublicAccessCidrs).',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html'],
  aliases: [...trivy('0040'), 'CKV_AWS_39'],
  resourceTypes: CLUSTER,
  check: (r) => {
    const tf = r.provider === 'terraform';
    const vpc = tf ? blocks(r, 'vpc_config')[0]?.value : attr(r, 'ResourcesVpcConfig');
    const pub = isObject(vpc) ? (tf ? vpc.endpoint_public_access : vpc.EndpointPublicAccess) : undefined;
    if (isFalse(pub)) return [];
    const cidrs = isObject(vpc) ? listOf(tf ? vpc.public_access_cidrs : vpc.PublicAccessCidrs) : [];
    if (cidrs.length > 0 && !cidrs.includes('0.0.0.0/0')) return [];
    return [{ message: 'Cluster API endpoint is public and open to 0.0.0.0/0.', path: [tf ? 'vpc_config' : 'ResourcesVpcConfig'] }];
  },
});

export const secretsEncryption = defineCloudRule({
  id: 'BLW-AWS-141',
  title: 'EKS cluster does not encrypt Kubernetes secrets with KMS',
  severity: 'high',
  description: 'Without envelope encryption, Secrets are stored in etcd protected only by EBS encryption.',
  remediation: 'Add encryption_config { resources = ["secrets"] provider { key_arn = ... } } (CloudFormation: EncryptionConfig).',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html'],
  aliases: [...trivy('0039'), 'CKV_AWS_58'],
  resourceTypes: CLUSTER,
  check: (r) => {
    const cfgs = r.provider === 'terraform' ? listOf(attr(r, 'encryption_config')) : listOf(attr(r, 'EncryptionConfig'));
    const ok = cfgs.some((c) => isObject(c) && listOf(c.resources ?? c.Resources).includes('secrets'));
    return ok ? [] : [{ message: 'Secrets are not envelope-encrypted.' }];
  },
});

const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

export const controlPlaneLogging = defineCloudRule({
  id: 'BLW-AWS-142',
  title: 'EKS control plane logging is incomplete',
  severity: 'medium',
  description: 'Control plane logs (api, audit, authenticator, controllerManager, scheduler) are needed to investigate cluster activity.',
  remediation: 'Set enabled_cluster_log_types to all five types (CloudFormation: Logging.ClusterLogging.EnabledTypes).',
  references: ['https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html'],
  aliases: [...trivy('0038'), 'CKV_AWS_37'],
  resourceTypes: CLUSTER,
  check: (r) => {
    const types =
      r.provider === 'terraform'
        ? listOf(attr(r, 'enabled_cluster_log_types'))
        : listOf(attr(r, 'Logging.ClusterLogging.EnabledTypes')).map((t) => (isObject(t) ? t.Type : t));
    const missing = LOG_TYPES.filter((t) => !types.includes(t));
    return missing.length ? [{ message: `Control plane log types not enabled: ${missing.join(', ')}.`, path: [r.provider === 'terraform' ? 'enabled_cluster_log_types' : 'Logging'] }] : [];
  },
});
