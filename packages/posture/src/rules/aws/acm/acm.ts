import { attrRule } from '../helpers.js';

export const transparencyLogging = attrRule({
  id: 'BLW-AWS-187',
  title: 'ACM certificate opts out of Certificate Transparency logging',
  severity: 'low',
  description: 'Certificates not recorded in public CT logs are rejected by browsers, and opting out hides mis-issued certificates for your domains.',
  remediation: 'Remove options.certificate_transparency_logging_preference = "DISABLED" or set it to "ENABLED" (CloudFormation: CertificateTransparencyLoggingPreference: ENABLED).',
  references: ['https://docs.aws.amazon.com/acm/latest/userguide/acm-concepts.html#concept-transparency'],
  aliases: ['CKV_AWS_234'],
  paths: { aws_acm_certificate: 'options.certificate_transparency_logging_preference', 'AWS::CertificateManager::Certificate': 'CertificateTransparencyLoggingPreference' },
  ok: (v) => v !== 'DISABLED',
});
