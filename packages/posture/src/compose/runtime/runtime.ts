import { parseImageRef } from '../../dockerfile/parse.js';
import { defineComposeRule } from '../rule.js';

const SPEC = 'https://docs.docker.com/reference/compose-file/services/';
const cis = (control: string): { framework: string; control: string }[] => [{ framework: 'cis-docker-1.6', control }];

export const privileged = defineComposeRule({
  id: 'BLW-DC-001',
  title: 'Service runs privileged',
  severity: 'high',
  description: 'privileged: true gives the container every capability and access to all host devices: a container escape is trivial.',
  remediation: 'Remove privileged; add only the capabilities the service needs with cap_add.',
  references: [`${SPEC}#privileged`],
  aliases: [],
  frameworks: cis('5.4'),
  service: (s) => (s.privileged ? [{ message: 'privileged: true', field: ['privileged'] }] : []),
});

export const hostNamespaces = defineComposeRule({
  id: 'BLW-DC-002',
  title: 'Service shares a host namespace',
  severity: 'high',
  description: 'network_mode: host, pid: host or ipc: host remove the isolation between the container and the host.',
  remediation: 'Use the default (private) namespaces; publish ports instead of host networking.',
  references: [`${SPEC}#network_mode`, `${SPEC}#pid`, `${SPEC}#ipc`],
  aliases: [],
  frameworks: [...cis('5.9'), ...cis('5.15'), ...cis('5.16')],
  service: (s) => [
    ...(s.networkMode === 'host' ? [{ message: 'network_mode: host', field: ['network_mode'] }] : []),
    ...(s.pid === 'host' ? [{ message: 'pid: host', field: ['pid'] }] : []),
    ...(s.ipc === 'host' ? [{ message: 'ipc: host', field: ['ipc'] }] : []),
  ],
});

export const dockerSocket = defineComposeRule({
  id: 'BLW-DC-003',
  title: 'Docker socket mounted into a service',
  severity: 'critical',
  description: 'Access to the Docker socket is root on the host: the service can start privileged containers.',
  remediation: 'Remove the socket mount; use a restricted API proxy if the service must talk to Docker.',
  references: [`${SPEC}#volumes`],
  aliases: [],
  frameworks: cis('5.31'),
  service: (s) =>
    s.volumes.flatMap((v, k) => (/(^|\/)(docker|podman|containerd)\.sock$/.test(v.source ?? '') ? [{ message: `mounts ${v.source}`, field: ['volumes', k] }] : [])),
});

export const latestImage = defineComposeRule({
  id: 'BLW-DC-004',
  title: 'Service image is untagged or latest',
  severity: 'medium',
  description: 'An untagged or :latest image changes under the service at the next pull.',
  remediation: 'Pin the image with a version tag or a digest.',
  references: [`${SPEC}#image`],
  aliases: [],
  frameworks: cis('4.2'),
  service: (s) => {
    if (s.image === undefined || s.image.includes('$')) return [];
    const ref = parseImageRef(s.image);
    if (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest')) return [];
    return [{ message: `image ${s.image} ${ref.tag ? 'uses :latest' : 'has no tag'}`, field: ['image'] }];
  },
});

const DANGEROUS_CAPS = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH', 'BPF', 'PERFMON', 'SYS_RAWIO']);

export const dangerousCaps = defineComposeRule({
  id: 'BLW-DC-005',
  title: 'Service adds a dangerous capability',
  severity: 'high',
  description: 'Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE are close to root on the host.',
  remediation: 'Drop the capability; find a narrower one.',
  references: [`${SPEC}#cap_add`],
  aliases: [],
  frameworks: cis('5.3'),
  service: (s) => s.capAdd.flatMap((c, k) => (DANGEROUS_CAPS.has(c) ? [{ message: `cap_add ${c}`, field: ['cap_add', k] }] : [])),
});

export const rootUser = defineComposeRule({
  id: 'BLW-DC-006',
  title: 'Service explicitly runs as root',
  severity: 'medium',
  description: 'user: root (or 0) overrides a non-root USER set in the image.',
  remediation: 'Run as an unprivileged uid.',
  references: [`${SPEC}#user`],
  aliases: [],
  frameworks: cis('4.1'),
  service: (s) => (s.user !== undefined && ['root', '0'].includes(s.user.split(':')[0]!) ? [{ message: `user: ${s.user}`, field: ['user'] }] : []),
});

export const sensitiveHostMount = defineComposeRule({
  id: 'BLW-DC-007',
  title: 'Sensitive host path mounted',
  severity: 'high',
  description: 'Bind mounts of /, /etc, /proc, /sys, /root, /var/run or /boot expose the host to the container.',
  remediation: 'Mount only the application directories the service needs, read-only where possible.',
  references: [`${SPEC}#volumes`],
  aliases: [],
  frameworks: cis('5.5'),
  service: (s) =>
    s.volumes.flatMap((v, k) => {
      const src = (v.source ?? '').replace(/\/+$/, '') || (v.source?.startsWith('/') ? '/' : '');
      return ['/', '/etc', '/proc', '/sys', '/root', '/var/run', '/run', '/boot', '/dev'].includes(src) ? [{ message: `mounts host ${v.source}`, field: ['volumes', k] }] : [];
    }),
});
