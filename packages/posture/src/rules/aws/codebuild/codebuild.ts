import { attr, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { at } from '../helpers.js';

export const artifactEncryption = defineCloudRule({
  id: 'BLW-AWS-170',
  title: 'CodeBuild project disables artifact encryption',
  severity: 'high',
  description: 'Build output written to S3 with encryption disabled is stored in clear text.',
  remediation: 'Remove encryption_disabled (or set it to false) in artifacts (CloudFormation: Artifacts.EncryptionDisabled: false).',
  references: ['https://docs.aws.amazon.com/codebuild/latest/userguide/security-encryption.html'],
  aliases: ['CKV_AWS_78'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }],
  resourceTypes: ['aws_codebuild_project', 'AWS::CodeBuild::Project'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const disabled = attr(r, tf ? 'artifacts.encryption_disabled' : 'Artifacts.EncryptionDisabled');
    const type = attr(r, tf ? 'artifacts.type' : 'Artifacts.Type');
    if (!isTrue(disabled) || isUnknown(type)) return [];
    // Terraform ignores the flag only for NO_ARTIFACTS; CloudFormation honours it only for S3 artifacts.
    const applies = tf ? type !== 'NO_ARTIFACTS' : type === 'S3';
    return applies ? [at(r, tf ? 'artifacts.encryption_disabled' : 'Artifacts.EncryptionDisabled', `Artifacts of type ${String(type)} are written unencrypted.`)] : [];
  },
});
