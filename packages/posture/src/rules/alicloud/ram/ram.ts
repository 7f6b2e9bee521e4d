import { attr, isTrue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import { statementsOf, policyOf } from '../../aws/helpers.js';

export const passwordPolicy = defineCloudRule({
  id: 'BLW-ALI-020',
  title: 'RAM password policy is weak',
  severity: 'medium',
  description: 'RAM user passwords should be at least 14 characters with lowercase, uppercase, numbers and symbols.',
  remediation: 'Set minimum_password_length >= 14 and require_lowercase_characters, require_uppercase_characters, require_numbers, require_symbols = true.',
  references: ['https://registry.terraform.io/providers/aliyun/alicloud/latest/docs/resources/ram_account_password_policy'],
  aliases: [],
  frameworks: [{ framework: 'mlps-2.0', control: '8.1.4.1' }],
  resourceTypes: ['alicloud_ram_account_password_policy'],
  check: (r) => {
    const out = [];
    const len = attr(r, 'minimum_password_length');
    // Provider defaults: length 12, every character class required.
    if ((typeof len === 'number' ? len : 12) < 14) out.push({ message: `minimum_password_length is ${typeof len === 'number' ? len : '12 (default)'}.`, path: ['minimum_password_length'] });
    for (const f of ['require_lowercase_characters', 'require_uppercase_characters', 'require_numbers', 'require_symbols']) {
      const v = attr(r, f);
      if (v !== undefined && !isTrue(v)) out.push({ message: `${f} is not true.`, path: [f] });
    }
    return out;
  },
});

export const wildcardPolicy = defineCloudRule({
  id: 'BLW-ALI-021',
  title: 'RAM policy grants all actions on all resources',
  severity: 'high',
  description: 'A statement allowing Action "*" on Resource "*" is full administrator access.',
  remediation: 'Grant only the actions and resources needed.',
  references: ['https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements'],
  aliases: [],
  frameworks: [{ framework: 'mlps-2.0', control: '8.1.4.2' }],
  resourceTypes: ['alicloud_ram_policy'],
  check: (r) => {
    const path = attr(r, 'policy_document') !== undefined ? 'policy_document' : 'document';
    const bad = statementsOf(policyOf(attr(r, path))).some((s) => s.effect === 'Allow' && s.actions.includes('*') && s.resources.includes('*'));
    return bad ? [{ message: 'Policy allows "*" on "*".', path: [path] }] : [];
  },
});
