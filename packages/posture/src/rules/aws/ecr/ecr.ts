import { attrRule, trivy } from '../helpers.js';
import { isTrue } from '../../../terraform/cloud-model.js';

export const scanOnPush = attrRule({
  id: 'BLW-AWS-150',
  title: 'ECR repository does not scan images on push',
  severity: 'high',
  description: 'Images pushed to the repository are not scanned for known vulnerabilities.',
  remediation: 'Set image_scanning_configuration { scan_on_push = true } (CloudFormation: ImageScanningConfiguration.ScanOnPush: true).',
  references: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html'],
  aliases: [...trivy('0030'), 'CKV_AWS_163'],
  paths: { aws_ecr_repository: 'image_scanning_configuration.scan_on_push', 'AWS::ECR::Repository': 'ImageScanningConfiguration.ScanOnPush' },
  ok: isTrue,
});

export const immutableTags = attrRule({
  id: 'BLW-AWS-151',
  title: 'ECR repository allows mutable image tags',
  severity: 'high',
  description: 'Mutable tags let a pushed image be silently replaced under the same tag.',
  remediation: 'Set image_tag_mutability = "IMMUTABLE" (CloudFormation: ImageTagMutability: IMMUTABLE).',
  references: ['https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html'],
  aliases: [...trivy('0031'), 'CKV_AWS_51'],
  paths: { aws_ecr_repository: 'image_tag_mutability', 'AWS::ECR::Repository': 'ImageTagMutability' },
  ok: (v) => v === 'IMMUTABLE',
});
