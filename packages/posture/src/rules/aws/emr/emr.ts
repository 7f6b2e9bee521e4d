import { attr, isObject, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import type { CloudResource, CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { at, policyOf } from '../helpers.js';

type Obj = { [k: string]: CloudValue };
const TYPES = ['aws_emr_security_configuration', 'AWS::EMR::SecurityConfiguration'];
const REF = 'https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html';

/** EncryptionConfiguration of a security configuration (Terraform JSON string, CloudFormation map or string); undefined when unknown. */
function encryptionConfig(r: CloudResource): { cfg: Obj; path: string } | undefined {
  const path = r.provider === 'terraform' ? 'configuration' : 'SecurityConfiguration';
  const doc = policyOf(attr(r, path));
  if (!doc) return undefined;
  const enc = doc.EncryptionConfiguration;
  return { cfg: isObject(enc) ? enc : {}, path };
}

interface EmrSpec {
  id: string;
  title: string;
  description: string;
  remediation: string;
  alias: string;
  /** At-rest controls map to PCI DSS 3.5.1; in-transit between cluster nodes is no public-network transfer (4.2.1). */
  atRest: boolean;
  /** Why the configuration fails, or undefined when it passes or cannot be judged. */
  bad: (cfg: Obj) => string | undefined;
}

function emrRule({ id, title, description, remediation, alias, atRest: rest, bad }: EmrSpec): ReturnType<typeof defineCloudRule> {
  return defineCloudRule({
    id,
    title,
    severity: 'high',
    description,
    remediation,
    references: [REF],
    aliases: [alias],
    frameworks: rest ? [{ framework: 'pci-dss-4.0', control: '3.5.1' }] : [],
    resourceTypes: TYPES,
    check: (r): Violation[] => {
      const e = encryptionConfig(r);
      if (!e) return [];
      const why = bad(e.cfg);
      return why ? [at(r, e.path, why)] : [];
    },
  });
}

/** Unknown values, including interpolations left inside a JSON string ("${var.mode}"). */
const unknown = (v: CloudValue | undefined): boolean => isUnknown(v) || (typeof v === 'string' && v.includes('${'));
const atRest = (cfg: Obj): Obj => (isObject(cfg.AtRestEncryptionConfiguration) ? cfg.AtRestEncryptionConfiguration : {});

export const s3SseKms = emrRule({
  id: 'BLW-AWS-173',
  title: 'EMR security configuration does not encrypt S3 data with SSE-KMS',
  description: 'EMRFS data in S3 should be encrypted with a KMS key so access to the data can be controlled and audited through the key policy.',
  remediation: 'Set AtRestEncryptionConfiguration.S3EncryptionConfiguration.EncryptionMode to "SSE-KMS" with AwsKmsKey.',
  alias: 'CKV_AWS_171',
  atRest: true,
  bad: (cfg) => {
    const s3 = atRest(cfg).S3EncryptionConfiguration;
    const mode = isObject(s3) ? s3.EncryptionMode : undefined;
    if (unknown(mode)) return undefined;
    return mode === 'SSE-KMS' ? undefined : `S3 encryption mode is ${mode === undefined ? 'unset' : JSON.stringify(mode)}, not SSE-KMS.`;
  },
});

export const localDiskEncryption = emrRule({
  id: 'BLW-AWS-174',
  title: 'EMR security configuration does not encrypt local disks',
  description: 'Cluster instance volumes (HDFS, spill, EBS) hold data in clear unless local disk encryption is configured.',
  remediation: 'Set EnableAtRestEncryption = true and AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration with a key provider.',
  alias: 'CKV_AWS_349',
  atRest: true,
  bad: (cfg) => {
    const local = atRest(cfg).LocalDiskEncryptionConfiguration;
    if (unknown(cfg.EnableAtRestEncryption) || unknown(local)) return undefined;
    if (!isTrue(cfg.EnableAtRestEncryption)) return 'At-rest encryption is not enabled.';
    return isObject(local) ? undefined : 'No LocalDiskEncryptionConfiguration.';
  },
});

export const transitEncryption = emrRule({
  id: 'BLW-AWS-175',
  title: 'EMR security configuration does not encrypt data in transit',
  description: 'Without in-transit encryption, data moving between cluster nodes and to S3 crosses the network in clear.',
  remediation: 'Set EnableInTransitEncryption = true with InTransitEncryptionConfiguration (TLS certificate provider).',
  alias: 'CKV_AWS_351',
  atRest: false,
  bad: (cfg) => (unknown(cfg.EnableInTransitEncryption) || isTrue(cfg.EnableInTransitEncryption) ? undefined : 'In-transit encryption is not enabled.'),
});
