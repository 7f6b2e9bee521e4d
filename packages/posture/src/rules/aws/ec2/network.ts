import { attr, blocks, isSet, listOf, refersTo, resourcesOf } from '../../../terraform/cloud-model.js';
import type { CloudResource, CloudValue } from '../../../terraform/cloud-model.js';
import { defineCloudRule } from '../../../terraform/cloud-rule.js';
import type { Violation } from '../../types.js';
import { trivy } from '../helpers.js';

const WORLD = ['0.0.0.0/0', '::/0'];
const SG = ['aws_security_group', 'AWS::EC2::SecurityGroup'];
const SG_RULES = ['aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'];

interface SgRule {
  direction: 'ingress' | 'egress';
  value: { [k: string]: CloudValue };
  path: (string | number)[];
  cidrs: CloudValue[];
  from?: number;
  to?: number;
  protocol: string;
  description: CloudValue | undefined;
}

function num(v: CloudValue | undefined): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : undefined;
}

/** Every rule a resource declares: inline ingress/egress blocks, CloudFormation lists, or the standalone rule resources. */
export function sgRules(r: CloudResource): SgRule[] {
  const out: SgRule[] = [];
  const add = (direction: SgRule['direction'], value: { [k: string]: CloudValue }, path: (string | number)[]): void => {
    const tf = r.provider === 'terraform';
    const cidrs = tf
      ? [...listOf(value.cidr_blocks), ...listOf(value.ipv6_cidr_blocks), ...listOf(value.cidr_ipv4), ...listOf(value.cidr_ipv6)]
      : [...listOf(value.CidrIp), ...listOf(value.CidrIpv6)];
    out.push({
      direction,
      value,
      path,
      cidrs,
      from: num(tf ? value.from_port : value.FromPort),
      to: num(tf ? value.to_port : value.ToPort),
      protocol: String(tf ? (value.protocol ?? value.ip_protocol ?? '') : (value.IpProtocol ?? '')).toLowerCase(),
      description: tf ? value.description : value.Description,
    });
  };
  switch (r.type) {
    case 'aws_security_group':
      for (const d of ['ingress', 'egress'] as const) for (const b of blocks(r, d)) add(d, b.value, b.path);
      break;
    case 'AWS::EC2::SecurityGroup':
      for (const b of blocks(r, 'SecurityGroupIngress')) add('ingress', b.value, b.path);
      for (const b of blocks(r, 'SecurityGroupEgress')) add('egress', b.value, b.path);
      break;
    case 'aws_security_group_rule':
      add(attr(r, 'type') === 'egress' ? 'egress' : 'ingress', r.attributes, []);
      break;
    case 'aws_vpc_security_group_ingress_rule':
    case 'AWS::EC2::SecurityGroupIngress':
      add('ingress', r.attributes, []);
      break;
    case 'aws_vpc_security_group_egress_rule':
    case 'AWS::EC2::SecurityGroupEgress':
      add('egress', r.attributes, []);
      break;
  }
  return out;
}

const pathOf = (rule: SgRule): (string | number)[] => (rule.path.length ? rule.path : []);

export const sgDescription = defineCloudRule({
  id: 'BLW-AWS-020',
  title: 'Security group has no description',
  severity: 'low',
  description: 'Descriptions make security group intent reviewable; an undocumented group is hard to audit.',
  remediation: 'Set description (CloudFormation: GroupDescription).',
  aliases: trivy('0099'),
  resourceTypes: SG,
  check: (r) => {
    const v = r.provider === 'terraform' ? attr(r, 'description') : attr(r, 'GroupDescription');
    return isSet(v) ? [] : [{ message: `${r.label} has no description.` }];
  },
});

export const sgRuleDescription = defineCloudRule({
  id: 'BLW-AWS-021',
  title: 'Security group rule has no description',
  severity: 'low',
  description: 'Rule descriptions record why a port is open, so stale rules can be found and removed.',
  remediation: 'Set description on every ingress/egress rule (CloudFormation: Description).',
  aliases: [...trivy('0124'), 'CKV_AWS_23'],
  resourceTypes: [...SG, ...SG_RULES],
  check: (r) =>
    sgRules(r)
      .filter((x) => !isSet(x.description))
      .map((x): Violation => ({ message: `${x.direction} rule has no description.`, path: pathOf(x) })),
});

const ADMIN_PORTS = [22, 3389];

function coversPort(rule: SgRule, port: number): boolean {
  if (rule.protocol === '-1' || rule.protocol === 'all') return true;
  if (rule.from === undefined && rule.to === undefined) return false;
  return (rule.from ?? 0) <= port && port <= (rule.to ?? 65535);
}

export const sgPublicIngress = defineCloudRule({
  id: 'BLW-AWS-022',
  title: 'Security group allows ingress from the internet',
  severity: 'critical',
  description: 'An ingress rule open to 0.0.0.0/0 or ::/0 exposes the port to the whole internet.',
  remediation: 'Restrict cidr_blocks to known networks; reach admin ports through a bastion, SSM or VPN.',
  aliases: trivy('0107'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '5.2' }, { framework: 'pci-dss-4.0', control: '1.3.1' }],
  resourceTypes: [...SG, ...SG_RULES],
  check: (r) =>
    sgRules(r)
      .filter((x) => x.direction === 'ingress' && x.cidrs.some((c) => typeof c === 'string' && WORLD.includes(c)))
      .map((x): Violation => {
        const admin = ADMIN_PORTS.filter((p) => coversPort(x, p));
        return { message: `Ingress open to the internet${admin.length ? ` on admin port ${admin.join(', ')}` : ''}.`, path: pathOf(x) };
      }),
});

export const sgPublicEgress = defineCloudRule({
  id: 'BLW-AWS-023',
  title: 'Security group allows egress to the internet',
  severity: 'critical',
  description: 'Unrestricted egress lets a compromised workload exfiltrate data or reach command-and-control hosts.',
  remediation: 'Restrict egress cidr_blocks to the destinations the workload needs.',
  aliases: trivy('0104'),
  resourceTypes: [...SG, ...SG_RULES],
  check: (r) =>
    sgRules(r)
      .filter((x) => x.direction === 'egress' && x.cidrs.some((c) => typeof c === 'string' && WORLD.includes(c)))
      .map((x): Violation => ({ message: 'Egress open to the internet.', path: pathOf(x) })),
});

interface AclEntry {
  egress: boolean;
  cidr: CloudValue | undefined;
  protocol: string;
  action: string;
  from?: number;
  to?: number;
}

function aclEntry(r: CloudResource): AclEntry {
  if (r.provider === 'terraform') {
    return {
      egress: attr(r, 'egress') === true || attr(r, 'egress') === 'true',
      cidr: attr(r, 'cidr_block') ?? attr(r, 'ipv6_cidr_block'),
      protocol: String(attr(r, 'protocol') ?? '').toLowerCase(),
      action: String(attr(r, 'rule_action') ?? '').toLowerCase(),
      from: num(attr(r, 'from_port')),
      to: num(attr(r, 'to_port')),
    };
  }
  return {
    egress: attr(r, 'Egress') === true || attr(r, 'Egress') === 'true',
    cidr: attr(r, 'CidrBlock') ?? attr(r, 'Ipv6CidrBlock'),
    protocol: String(attr(r, 'Protocol') ?? '').toLowerCase(),
    action: String(attr(r, 'RuleAction') ?? '').toLowerCase(),
    from: num(attr(r, 'PortRange.From')),
    to: num(attr(r, 'PortRange.To')),
  };
}

const ACL = ['aws_network_acl_rule', 'AWS::EC2::NetworkAclEntry'];
const allProtocols = (p: string): boolean => p === '-1' || p === 'all';

export const aclAllPorts = defineCloudRule({
  id: 'BLW-AWS-024',
  title: 'Network ACL rule allows all ports',
  severity: 'critical',
  description: 'A network ACL rule for protocol -1 (all) allows every port and protocol.',
  remediation: 'Allow only the protocols and port ranges needed.',
  aliases: trivy('0102'),
  resourceTypes: ACL,
  check: (r) => {
    const e = aclEntry(r);
    return e.action === 'allow' && allProtocols(e.protocol) ? [{ message: 'ACL rule allows all protocols and ports.', path: [r.provider === 'terraform' ? 'protocol' : 'Protocol'] }] : [];
  },
});

export const aclPublicIngress = defineCloudRule({
  id: 'BLW-AWS-025',
  title: 'Network ACL allows ingress from the internet to SSH or RDP',
  severity: 'critical',
  description: 'An inbound ACL rule from 0.0.0.0/0 to port 22 or 3389 exposes remote administration to the internet.',
  remediation: 'Restrict the cidr_block of inbound rules for admin ports.',
  aliases: trivy('0105'),
  frameworks: [{ framework: 'cis-aws-3.0', control: '5.1' }],
  resourceTypes: ACL,
  check: (r) => {
    const e = aclEntry(r);
    if (e.egress || e.action !== 'allow' || typeof e.cidr !== 'string' || !WORLD.includes(e.cidr)) return [];
    const open = allProtocols(e.protocol) || ADMIN_PORTS.some((p) => (e.from ?? 0) <= p && p <= (e.to ?? 65535));
    return open ? [{ message: 'ACL allows internet ingress to an admin port.', path: [r.provider === 'terraform' ? 'cidr_block' : 'CidrBlock'] }] : [];
  },
});

export const noDefaultVpc = defineCloudRule({
  id: 'BLW-AWS-026',
  title: 'Default VPC is used',
  severity: 'high',
  description: 'The default VPC has public subnets and permissive defaults; workloads belong in purpose-built VPCs.',
  remediation: 'Remove aws_default_vpc and create a dedicated VPC.',
  aliases: trivy('0101'),
  resourceTypes: ['aws_default_vpc'],
  check: (r) => [{ message: `${r.label} manages the default VPC.` }],
});

export const subnetPublicIp = defineCloudRule({
  id: 'BLW-AWS-027',
  title: 'Subnet assigns public IP addresses on launch',
  severity: 'high',
  description: 'Instances launched in the subnet get a public address and become reachable from the internet.',
  remediation: 'Set map_public_ip_on_launch = false (CloudFormation: MapPublicIpOnLaunch: false).',
  aliases: [...trivy('0164'), 'CKV_AWS_130'],
  resourceTypes: ['aws_subnet', 'AWS::EC2::Subnet'],
  check: (r) => {
    const p = r.provider === 'terraform' ? 'map_public_ip_on_launch' : 'MapPublicIpOnLaunch';
    const v = attr(r, p);
    return v === true || v === 'true' ? [{ message: 'Subnet maps public IPs on launch.', path: [p] }] : [];
  },
});

export const vpcFlowLogs = defineCloudRule({
  id: 'BLW-AWS-028',
  title: 'VPC has no flow logs',
  severity: 'medium',
  description: 'Without flow logs, network traffic to and from the VPC cannot be investigated.',
  remediation: 'Add an aws_flow_log (CloudFormation: AWS::EC2::FlowLog) with vpc_id pointing at the VPC.',
  aliases: [...trivy('0178'), 'CKV2_AWS_11'],
  frameworks: [{ framework: 'cis-aws-3.0', control: '3.7' }],
  resourceTypes: ['aws_vpc', 'AWS::EC2::VPC'],
  check: (r, model) => {
    const logs = resourcesOf(model, 'aws_flow_log', 'AWS::EC2::FlowLog').filter((f) => refersTo(f.provider === 'terraform' ? attr(f, 'vpc_id') : attr(f, 'ResourceId'), r));
    return logs.length > 0 ? [] : [{ message: `${r.label} has no flow log.` }];
  },
});

