import { InputError, err, ok } from '@bulwark/core';
import type { Result } from '@bulwark/core';

export interface ImageReference {
  /** Registry host[:port] as named ("docker.io", "ghcr.io", "127.0.0.1:5000"). */
  registry: string;
  /** Repository path ("library/alpine", "lab/app"). */
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/**
 * Parses "registry/repo:tag@digest" with Docker's defaults: no registry → docker.io, a single-component
 * docker.io repository → library/<name>, no tag and no digest → latest. The first component is a
 * registry only when it has a dot, a colon, or is "localhost" (distribution/reference rules).
 */
export function parseImageReference(ref: string): Result<ImageReference, InputError> {
  const bad = (message: string) => err(new InputError({ file: ref, field: 'image reference', message }));
  if (ref.length === 0 || ref.length > 512 || /\s/.test(ref)) return bad('expected [registry/]repository[:tag][@digest]');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return bad(`invalid digest ${JSON.stringify(digest)}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return bad(`invalid tag ${JSON.stringify(tag)}`);
  }
  let registry = 'docker.io';
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/.test(registry)) return bad(`invalid registry host ${JSON.stringify(registry)}`);
  if (rest.length === 0) return bad('missing repository');
  const parts = rest.split('/');
  if (!parts.every((p) => COMPONENT.test(p))) return bad(`invalid repository ${JSON.stringify(rest)} (lower-case letters, digits and . _ - separators)`);
  if (registry === 'docker.io' && parts.length === 1) rest = `library/${rest}`;
  const out: ImageReference = { registry, repository: rest };
  if (tag) out.tag = tag;
  if (digest) out.digest = digest;
  if (!tag && !digest) out.tag = 'latest';
  return ok(out);
}

export function formatReference(r: ImageReference): string {
  return `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
