import { attr, blocks, isSet, isTrue, isUnknown, listOf } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { trivy } from '../helpers.js';

export const amiOwners = defineCloudRule({
  id: 'BLW-AWS-165',
  title: 'AMI lookup does not restrict owners',
  severity: 'low',
  description: 'A data "aws_ami" lookup without owners matches public AMIs from any account, so a look-alike image published by someone else can be picked up.',
  remediation: 'Set owners to the publishing accounts (for example ["amazon"] or the vendor account id).',
  references: ['https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/ami', 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/finding-an-ami.html'],
  aliases: trivy('0344'),
  resourceTypes: ['data.aws_ami'],
  check: (r) => {
    const owners = attr(r, 'owners');
    if (isUnknown(owners) || listOf(owners).length > 0) return [];
    return [{ message: `${r.label} does not set owners.`, path: ['owners'] }];
  },
});

export const amiEncryption = defineCloudRule({
  id: 'BLW-AWS-186',
  title: 'AMI EBS block device is not encrypted',
  severity: 'medium',
  description: 'An aws_ami that registers a new (non-snapshot) EBS device without encrypted = true produces instances with unencrypted volumes.',
  remediation: 'Set encrypted = true on every ebs_block_device that does not come from a snapshot.',
  references: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AMIEncryption.html'],
  aliases: ['CKV_AWS_204'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }],
  resourceTypes: ['aws_ami'],
  check: (r) =>
    blocks(r, 'ebs_block_device').flatMap((b): Violation[] => {
      // Devices restored from a snapshot inherit the snapshot's encryption.
      if (isSet(b.value.snapshot_id) || isUnknown(b.value.encrypted) || isTrue(b.value.encrypted)) return [];
      return [{ message: 'EBS block device is not encrypted.', path: [...b.path, 'encrypted'] }];
    }),
});
