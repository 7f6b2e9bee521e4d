import { attr } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';

/** "22/22", "1/65535", "-1/-1" → [from, to]. */
function range(v: unknown): [number, number] | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(-?[0-9]+)\/(-?[0-9]+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export const sgOpenIngress = defineCloudRule({
  id: 'BLW-ALI-010',
  title: 'ECS security group rule allows ingress from the internet',
  severity: 'critical',
  description: 'An accepting ingress rule from 0.0.0.0/0 exposes the ports to the whole internet; SSH, RDP or all ports are critical.',
  remediation: 'Restrict cidr_ip to known networks; reach admin ports through a bastion host or VPN.',
  references: ['https://www.alibabacloud.com/help/en/ecs/user-guide/security-group-rules'],
  aliases: [],
  frameworks: [{ framework: 'mlps-2.0', control: '8.1.3.2' }],
  resourceTypes: ['alicloud_security_group_rule'],
  check: (r) => {
    if (attr(r, 'type') !== 'ingress' || (attr(r, 'policy') ?? 'accept') !== 'accept') return [];
    const cidr = attr(r, 'cidr_ip') ?? attr(r, 'ipv6_cidr_ip');
    if (cidr !== '0.0.0.0/0' && cidr !== '::/0') return [];
    const proto = attr(r, 'ip_protocol');
    const pr = range(attr(r, 'port_range'));
    const all = proto === 'all' || !pr || pr[0] === -1 || (pr[0] <= 1 && pr[1] >= 65535);
    const admin = [22, 3389].filter((p) => all || (pr !== undefined && pr[0] <= p && p <= pr[1]));
    return [{ message: all ? 'Ingress from the internet on all ports.' : admin.length ? `Ingress from the internet to admin port ${admin.join(', ')}.` : 'Ingress from the internet.', path: ['cidr_ip'] }];
  },
});
