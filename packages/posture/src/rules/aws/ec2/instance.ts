import { attr, blocks, isSet, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import type { CloudResource, CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { trivy } from '../helpers.js';

/** Unencrypted root/EBS block devices of an instance or launch configuration (Terraform blocks, CloudFormation mappings). */
function unencryptedDevices(r: CloudResource): Violation[] {
  const out: Violation[] = [];
  if (r.provider === 'terraform') {
    const root = blocks(r, 'root_block_device');
    if (root.length === 0) out.push({ message: 'Root block device is not encrypted (no root_block_device block).' });
    for (const b of [...root, ...blocks(r, 'ebs_block_device')]) {
      if (!isTrue(b.value.encrypted) && !isUnknown(b.value.encrypted) && !isSet(b.value.snapshot_id)) out.push({ message: 'Block device is not encrypted.', path: [...b.path, 'encrypted'] });
    }
    return out;
  }
  for (const b of blocks(r, 'BlockDeviceMappings')) {
    const enc = (b.value.Ebs as { [k: string]: CloudValue } | undefined)?.Encrypted;
    if (b.value.Ebs !== undefined && !isTrue(enc) && !isUnknown(enc)) out.push({ message: 'Block device is not encrypted.', path: [...b.path, 'Ebs', 'Encrypted'] });
  }
  return out;
}

export const instanceEncryption = defineCloudRule({
  id: 'BLW-AWS-030',
  title: 'Instance block device is not encrypted',
  severity: 'high',
  description: 'Unencrypted root or EBS volumes of the instance expose data through snapshots and detached volumes.',
  remediation: 'Set encrypted = true in root_block_device and every ebs_block_device (or enable EBS encryption by default).',
  aliases: trivy('0131'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '2.2.1' }],
  resourceTypes: ['aws_instance', 'AWS::EC2::Instance'],
  check: unencryptedDevices,
});

export const launchConfigEncryption = defineCloudRule({
  id: 'BLW-AWS-031',
  title: 'Launch configuration block device is not encrypted',
  severity: 'high',
  description: 'Instances started from the launch configuration get unencrypted volumes.',
  remediation: 'Set encrypted = true in root_block_device and every ebs_block_device.',
  aliases: trivy('0008'),
  resourceTypes: ['aws_launch_configuration', 'AWS::AutoScaling::LaunchConfiguration'],
  check: unencryptedDevices,
});

export const instanceAndLaunchConfigEncryptionCheckov = defineCloudRule({
  id: 'BLW-AWS-032',
  title: 'EC2 instance or launch configuration has an unencrypted explicit block device',
  severity: 'high',
  description: 'An explicitly declared root or EBS block device is not encrypted (Checkov CKV_AWS_8 semantics: instances too).',
  remediation: 'Set encrypted = true in root_block_device and every ebs_block_device.',
  aliases: ['CKV_AWS_8'],
  resourceTypes: ['aws_instance', 'aws_launch_configuration', 'AWS::EC2::Instance', 'AWS::AutoScaling::LaunchConfiguration'],
  check: unencryptedDevices,
});

export const imdsv2 = defineCloudRule({
  id: 'BLW-AWS-033',
  title: 'Instance metadata service does not require session tokens (IMDSv2)',
  severity: 'high',
  description: 'IMDSv1 answers plain GET requests, so an SSRF in the workload can steal the instance role credentials.',
  remediation: 'Set metadata_options { http_tokens = "required" } (or http_endpoint = "disabled").',
  aliases: [...trivy('0028'), 'CKV_AWS_79'],
  resourceTypes: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration'],
  check: (r) => {
    const mo = blocks(r, 'metadata_options')[0];
    if (mo && (mo.value.http_tokens === 'required' || mo.value.http_endpoint === 'disabled' || isUnknown(mo.value.http_tokens))) return [];
    return [{ message: 'http_tokens is not "required".', path: mo ? [...mo.path, 'http_tokens'] : ['metadata_options'] }];
  },
});

export const launchConfigPublicIp = defineCloudRule({
  id: 'BLW-AWS-034',
  title: 'Launch configuration assigns public IP addresses',
  severity: 'high',
  description: 'Instances from the launch configuration get a public address and become reachable from the internet.',
  remediation: 'Set associate_public_ip_address = false (CloudFormation: AssociatePublicIpAddress: false).',
  aliases: [...trivy('0009'), 'CKV_AWS_88'],
  resourceTypes: ['aws_launch_configuration', 'aws_instance', 'AWS::AutoScaling::LaunchConfiguration'],
  check: (r) => {
    const p = r.provider === 'terraform' ? 'associate_public_ip_address' : 'AssociatePublicIpAddress';
    return isTrue(attr(r, p)) ? [{ message: 'Public IP associated on launch.', path: [p] }] : [];
  },
});

const SECRET_PATTERNS = [
  /(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}/,
  /aws_?secret_?access_?key\s*[=:]/i,
  /\b[A-Z_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY)[A-Z_]*\s*=\s*["']?[^\s"']{4,}/,
];

function decode(v: CloudValue | undefined, base64: boolean): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (!base64) return v;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(v)) return undefined;
  return Buffer.from(v, 'base64').toString('utf8');
}

export const userDataSecrets = defineCloudRule({
  id: 'BLW-AWS-035',
  title: 'User data contains secrets',
  severity: 'critical',
  description: 'User data is readable by anyone with ec2:DescribeInstanceAttribute and from inside the instance through IMDS.',
  remediation: 'Fetch secrets at boot from Secrets Manager or SSM Parameter Store with the instance role.',
  aliases: [...trivy('0029'), ...trivy('0129'), ...trivy('0122')],
  resourceTypes: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration', 'AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::AutoScaling::LaunchConfiguration'],
  check: (r) => {
    const candidates: [string, boolean][] =
      r.provider === 'terraform'
        ? [
            ['user_data', r.type === 'aws_launch_template'],
            ['user_data_base64', true],
          ]
        : [
            ['UserData', false],
            ['LaunchTemplateData.UserData', false],
          ];
    for (const [p, b64] of candidates) {
      const text = decode(attr(r, p), b64);
      if (text !== undefined && SECRET_PATTERNS.some((re) => re.test(text))) return [{ message: `${p} contains what looks like a secret.`, path: p.split('.') }];
    }
    return [];
  },
});

