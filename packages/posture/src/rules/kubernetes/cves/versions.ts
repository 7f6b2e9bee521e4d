/** A dotted numeric version, missing parts as 0: "v1.20.7" → [1, 20, 7]; "5.13.0-39-generic" → [5, 13, 0]. */
export type Version = readonly [number, number, number];

/** First x.y[.z] in a string (leading "v" allowed); undefined when there is none. */
export function versionIn(s: string): Version | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function cmp(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** Half-open range [from, to): `from` undefined means from the beginning. */
export interface Range {
  from?: Version;
  to: Version;
}

export function inRanges(v: Version, ranges: readonly Range[]): boolean {
  return ranges.some((r) => (r.from === undefined || cmp(v, r.from) >= 0) && cmp(v, r.to) < 0);
}

/** Version in an image tag ("registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:..." → 1.11.2); undefined for untagged or non-numeric tags. */
export function imageTagVersion(image: string): Version | undefined {
  const tag = imageTag(image);
  return tag ? versionIn(tag) : undefined;
}

/** Tag of an image reference: after the last ":" that follows the last "/", digest removed. */
export function imageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0]!;
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const i = last.lastIndexOf(':');
  return i >= 0 && i < last.length - 1 ? last.slice(i + 1) : undefined;
}

export const fmt = (v: Version): string => v.join('.');
