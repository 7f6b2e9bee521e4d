import { defineK8sRule } from '../../../kubernetes/rule.js';
import type { Violation } from '../../types.js';

// ingress-nginx renders annotations into nginx.conf; CVE-2021-25742 and CVE-2023-5043/5044 turned them into code injection.
const PREFIX = 'nginx.ingress.kubernetes.io/';
const SNIPPETS = ['server-snippet', 'configuration-snippet', 'auth-snippet', 'stream-snippet', 'modsecurity-snippet'];
const REF = 'https://github.com/kubernetes/ingress-nginx/issues/7837';

function snippets(annotations: Record<string, string>): [string, string][] {
  return Object.entries(annotations).filter(([k]) => k.startsWith(PREFIX) && SNIPPETS.includes(k.slice(PREFIX.length)));
}

function snippetRule(id: string, title: string, pattern: RegExp, what: string, aliases: string[]): ReturnType<typeof defineK8sRule> {
  return defineK8sRule({
    id,
    title,
    severity: 'high',
    description: `An ingress-nginx snippet annotation with ${what} lets whoever can edit an Ingress read files or run code in the controller, which holds every Secret it serves (CVE-2021-25742).`,
    remediation: 'Remove the snippet annotation and set allow-snippet-annotations: "false" in the controller ConfigMap.',
    references: [REF],
    aliases,
    tags: ['ingress'],
    on: 'resource',
    kinds: ['Ingress'],
    check: (ing) => snippets(ing.annotations).filter(([, v]) => pattern.test(v)).map(([k]): Violation => ({ message: `${k} contains ${what}`, path: ['metadata', 'annotations', k] })),
  });
}

export const snippetAlias = snippetRule('BLW-K8S-410', 'ingress-nginx snippet uses alias', /(^|[\s;{])alias\s/m, 'an alias directive', ['CKV_K8S_153']);
export const snippetLua = snippetRule('BLW-K8S-411', 'ingress-nginx snippet runs Lua', /_by_lua/, 'a Lua block', ['CKV_K8S_154']);

export const suspiciousAnnotation = defineK8sRule({
  id: 'BLW-K8S-412',
  title: 'ingress-nginx annotation contains configuration syntax',
  severity: 'high',
  description: 'A newline, #, ;, |, { or } in an ingress-nginx annotation value (outside snippets) breaks out of the directive it is rendered into (CVE-2023-5043/5044 style injection).',
  remediation: 'Remove the characters from the annotation value; validate annotations with the controller’s --enable-annotation-validation.',
  references: ['https://github.com/kubernetes/ingress-nginx/issues/10571'],
  aliases: ['KCV-0093', 'AVD-KCV-0093', 'KCV0093', 'insecure-ingress-nginx'],
  tags: ['ingress'],
  on: 'resource',
  kinds: ['Ingress'],
  check: (ing) =>
    Object.entries(ing.annotations)
      .filter(([k, v]) => k.startsWith(PREFIX) && !SNIPPETS.includes(k.slice(PREFIX.length)) && /[\n\r#;|{}]/.test(v))
      .map(([k]): Violation => ({ message: `${k} contains configuration syntax`, path: ['metadata', 'annotations', k] })),
});
