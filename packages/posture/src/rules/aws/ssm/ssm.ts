import { parse } from 'yaml';
import { attr, isObject, isSet, isUnknown } from '../../../terraform/cloud-model.js';
import type { CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { at } from '../helpers.js';

/** Session documents are small; anything larger is not parsed (no verdict). */
const MAX_CONTENT = 256 * 1024;

/** The document content as an object: CloudFormation maps as they are, JSON or YAML strings parsed; undefined when unreadable. */
function contentOf(v: CloudValue | undefined, format: CloudValue | undefined): { [k: string]: unknown } | undefined {
  if (isObject(v)) return v;
  if (typeof v !== 'string' || v.length > MAX_CONTENT) return undefined;
  try {
    const doc: unknown = format === 'YAML' ? parse(v, { maxAliasCount: 10 }) : JSON.parse(v);
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as { [k: string]: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

export const sessionKms = defineCloudRule({
  id: 'BLW-AWS-172',
  title: 'Session Manager preferences do not encrypt sessions with KMS',
  severity: 'medium',
  description: 'Without kmsKeyId in the Session Manager preferences document, session data is protected by TLS only, not by an additional KMS key.',
  remediation: 'Set inputs.kmsKeyId in the Session document (SSM-SessionManagerRunShell) to a KMS key id or alias.',
  references: ['https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html'],
  aliases: ['CKV_AWS_112'],
  resourceTypes: ['aws_ssm_document', 'AWS::SSM::Document'],
  check: (r) => {
    const tf = r.provider === 'terraform';
    if (attr(r, tf ? 'document_type' : 'DocumentType') !== 'Session') return [];
    const path = tf ? 'content' : 'Content';
    const raw = attr(r, path);
    if (isUnknown(raw)) return [];
    const doc = contentOf(raw, attr(r, tf ? 'document_format' : 'DocumentFormat') ?? 'JSON');
    const inputs = doc?.inputs;
    // Checkov passes documents without inputs; only a preferences block that leaves kmsKeyId empty fails.
    if (!isObject(inputs as CloudValue) || Object.keys(inputs as object).length === 0) return [];
    const key = (inputs as { [k: string]: CloudValue }).kmsKeyId;
    return isSet(key) ? [] : [at(r, path, 'Session preferences leave inputs.kmsKeyId empty.')];
  },
});
