import { blocks, isObject, isSet, isTrue, isUnknown, lookup } from '../../../terraform/cloud-model.js';
import type { CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';

const PCI = [{ framework: 'pci-dss-4.0', control: '3.5.1' }];

export const distributionCmk = defineCloudRule({
  id: 'BLW-AWS-184',
  title: 'Image Builder distribution does not encrypt AMIs with a customer managed key',
  severity: 'medium',
  description: 'AMIs distributed without kms_key_id are encrypted (if at all) with the default EBS key, which cannot be shared across accounts or governed by your key policy.',
  remediation: 'Set distribution.ami_distribution_configuration.kms_key_id (CloudFormation: Distributions[].AmiDistributionConfiguration.KmsKeyId).',
  references: ['https://docs.aws.amazon.com/imagebuilder/latest/userguide/data-protection.html'],
  aliases: ['CKV_AWS_199'],
  frameworks: PCI,
  resourceTypes: ['aws_imagebuilder_distribution_configuration', 'AWS::ImageBuilder::DistributionConfiguration'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const [list, ami, container, key] = tf
      ? ['distribution', 'ami_distribution_configuration', 'container_distribution_configuration', 'kms_key_id']
      : ['Distributions', 'AmiDistributionConfiguration', 'ContainerDistributionConfiguration', 'KmsKeyId'];
    const out: Violation[] = [];
    for (const d of blocks(r, list)) {
      const amiCfg = lookup(d.value, ami).value;
      if (isUnknown(amiCfg)) continue;
      // Container-only distributions carry no AMI.
      if (amiCfg === undefined && d.value[container] !== undefined) continue;
      const k = amiCfg === undefined ? undefined : lookup(amiCfg, key).value;
      if (isUnknown(k) || isSet(k)) continue;
      out.push({ message: 'AMI distribution has no kms_key_id.', path: [...d.path, ami] });
    }
    return out;
  },
});

export const recipeEbsCmk = defineCloudRule({
  id: 'BLW-AWS-185',
  title: 'Image Builder recipe EBS volume is not encrypted with a customer managed key',
  severity: 'medium',
  description: 'Volumes of the image recipe should be encrypted and name a KMS key; otherwise the built image carries unencrypted or default-key snapshots.',
  remediation: 'Set encrypted = true and kms_key_id in every block_device_mapping.ebs (CloudFormation: BlockDeviceMappings[].Ebs.Encrypted and KmsKeyId).',
  references: ['https://docs.aws.amazon.com/imagebuilder/latest/userguide/data-protection.html'],
  aliases: ['CKV_AWS_200'],
  frameworks: PCI,
  resourceTypes: ['aws_imagebuilder_image_recipe', 'AWS::ImageBuilder::ImageRecipe'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const [list, ebsKey, encKey, kmsKey] = tf ? ['block_device_mapping', 'ebs', 'encrypted', 'kms_key_id'] : ['BlockDeviceMappings', 'Ebs', 'Encrypted', 'KmsKeyId'];
    const out: Violation[] = [];
    for (const m of blocks(r, list)) {
      const raw = m.value[ebsKey];
      const ebs: CloudValue | undefined = Array.isArray(raw) ? raw[0] : raw;
      if (!isObject(ebs)) continue;
      const enc = ebs[encKey];
      const kms = ebs[kmsKey];
      // An unknown key reference still counts as a key; an unknown flag gives no verdict.
      if (isUnknown(enc) || (isTrue(enc) && isSet(kms))) continue;
      if (!isTrue(enc) || !isSet(kms)) out.push({ message: !isTrue(enc) ? 'EBS volume is not encrypted.' : 'EBS volume names no KMS key.', path: [...m.path, ...(Array.isArray(raw) ? [ebsKey, 0] : [ebsKey])] });
    }
    return out;
  },
});
