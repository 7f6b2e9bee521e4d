import { attr, isSet, isTrue, isUnknown } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { at } from '../helpers.js';

export const catalogEncryption = defineCloudRule({
  id: 'BLW-AWS-171',
  title: 'Glue Data Catalog is not fully encrypted',
  severity: 'high',
  description: 'The Data Catalog should encrypt metadata at rest with SSE-KMS and return connection passwords encrypted; otherwise table metadata and database credentials are readable in clear.',
  remediation:
    'Set encryption_at_rest { catalog_encryption_mode = "SSE-KMS", sse_aws_kms_key_id = ... } and connection_password_encryption { return_connection_password_encrypted = true, aws_kms_key_id = ... } (CloudFormation: DataCatalogEncryptionSettings.EncryptionAtRest.CatalogEncryptionMode: SSE-KMS, ConnectionPasswordEncryption.ReturnConnectionPasswordEncrypted: true).',
  references: ['https://docs.aws.amazon.com/glue/latest/dg/encrypt-glue-data-catalog.html'],
  aliases: ['CKV_AWS_94'],
  frameworks: [{ framework: 'pci-dss-4.0', control: '3.5.1' }],
  resourceTypes: ['aws_glue_data_catalog_encryption_settings', 'AWS::Glue::DataCatalogEncryptionSettings'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    const base = tf ? 'data_catalog_encryption_settings.' : 'DataCatalogEncryptionSettings.';
    const mode = attr(r, base + (tf ? 'encryption_at_rest.catalog_encryption_mode' : 'EncryptionAtRest.CatalogEncryptionMode'));
    const pw = attr(r, base + (tf ? 'connection_password_encryption.return_connection_password_encrypted' : 'ConnectionPasswordEncryption.ReturnConnectionPasswordEncrypted'));
    if (isUnknown(mode) || isUnknown(pw)) return [];
    // Checkov's Terraform check also wants the key ids spelled out; CloudFormation falls back to the AWS managed key.
    const atRestKey = !tf || isSet(attr(r, base + 'encryption_at_rest.sse_aws_kms_key_id'));
    const pwKey = !tf || isSet(attr(r, base + 'connection_password_encryption.aws_kms_key_id'));
    const out: Violation[] = [];
    if (mode !== 'SSE-KMS' || !atRestKey) out.push(at(r, base + (tf ? 'encryption_at_rest' : 'EncryptionAtRest'), 'Catalog metadata is not encrypted at rest with SSE-KMS.'));
    if (!isTrue(pw) || !pwKey) out.push(at(r, base + (tf ? 'connection_password_encryption' : 'ConnectionPasswordEncryption'), 'Connection passwords are not returned encrypted.'));
    return out;
  },
});
