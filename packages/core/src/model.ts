import type { Severity } from './severity.js';

/** A layer of an image, as packages and findings refer to it. */
export interface LayerRef {
  /** 0-based position in the image's layer list. */
  index: number;
  /** Digest of the layer blob as stored (compressed for registries, tar for docker-archive). */
  digest: string;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry), when known. */
  diffId?: string;
  /** The history `created_by` command that made the layer, when the config has one. */
  createdBy?: string;
}

export interface PackageLocation {
  /** Path inside the artifact, absolute for images and rootfs ("/var/lib/dpkg/status"), relative for fs scans. */
  path: string;
  layer?: LayerRef;
}

/** The purl types Bulwark emits. */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'golang'
  | 'maven'
  | 'gem'
  | 'cargo'
  | 'composer'
  | 'nuget'
  | 'generic';

export interface Package {
  name: string;
  version: string;
  type: PackageType;
  /**
   * OSV ecosystem used for matching. Catalogers give the base name ("Debian", "npm"); image assembly
   * adds the distro release where the ecosystem has one ("Debian:12", "Alpine:v3.19", "Ubuntu:22.04").
   */
  ecosystem: string;
  purl: string;
  /** Distro source package (Debian/Ubuntu `Source:`, Alpine `origin`, RPM source rpm name). */
  source?: { name: string; version?: string };
  /** SPDX identifiers or expressions where the metadata gives them, raw strings otherwise. */
  licenses: string[];
  locations: PackageLocation[];
  /** Cataloger id that found the package ("os/dpkg", "javascript/package-lock"). */
  foundBy: string;
  /** Cataloger-specific facts: architecture, Maven group, Go main module, dev dependency... */
  metadata?: Record<string, unknown>;
}

export interface Distro {
  /** os-release ID: debian, ubuntu, alpine, rhel, centos, rocky, almalinux, amzn, fedora, opensuse-leap, wolfi... */
  id: string;
  /** os-release VERSION_ID: "12", "22.04", "3.19.1". */
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
}

export interface CvssScore {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  baseScore: number;
  severity: Severity;
  /** Who gave the vector: "nvd", "cisa-adp", the CNA, "osv:GHSA-…". */
  source: string;
}

export interface KevInfo {
  dateAdded: string;
  dueDate?: string;
  knownRansomwareCampaignUse?: string;
  requiredAction?: string;
}

export interface EpssInfo {
  score: number;
  percentile: number;
  date?: string;
}

export type FixState = 'fixed' | 'not-fixed' | 'wont-fix' | 'unknown';

export interface Suppression {
  by: 'ignore-file' | 'vex';
  reason?: string;
  /** VEX status or justification. */
  status?: string;
  justification?: string;
  source?: string;
}

export interface VulnerabilityFinding {
  /** Primary id: the CVE when one is known, else the advisory id (GHSA, GO, RUSTSEC, PYSEC, ...). */
  id: string;
  /** Every other id the matched advisories give (GHSA, DSA, USN, ...). */
  aliases: string[];
  package: {
    name: string;
    version: string;
    type: PackageType;
    ecosystem: string;
    purl: string;
    source?: { name: string; version?: string };
    locations: PackageLocation[];
  };
  /** 'affected' when the version is inside a range; 'unknown' when the version could not be compared. */
  matchStatus: 'affected' | 'unknown';
  fixState: FixState;
  /** Versions that fix it, lowest first. */
  fixedVersions: string[];
  severity: Severity;
  /** Where the severity came from: "cvss:3.1:nvd", "debian-urgency", "ghsa", ... */
  severitySource: string;
  cvss: CvssScore[];
  title?: string;
  description?: string;
  references: string[];
  published?: string;
  modified?: string;
  kev?: KevInfo;
  epss?: EpssInfo;
  /** Advisory records that matched (ids, with their sources). */
  dataSources: { id: string; source: string }[];
  suppressed?: Suppression;
}

export type TargetKind = 'image' | 'rootfs' | 'fs' | 'sbom';

export interface ImageInfo {
  /** Reference as given or as found in the archive (repo:tag). */
  reference?: string;
  repoTags: string[];
  /** Config digest (image id). */
  id?: string;
  /** Manifest digest, when read from a registry or OCI index. */
  manifestDigest?: string;
  architecture?: string;
  os?: string;
  created?: string;
  /** Raw image config (the OCI image config JSON) for config checks. */
  config?: Record<string, unknown>;
  layers: (LayerRef & { size?: number })[];
}

export interface ScanTarget {
  kind: TargetKind;
  /** What the user named: a path, an image reference. */
  name: string;
  image?: ImageInfo;
}

export interface FileError {
  path: string;
  error: string;
}

export interface ScanStatus {
  /** Files that could not be read or parsed; the rest of the scan went on. */
  fileErrors: FileError[];
  warnings: string[];
}

export interface DbInfo {
  path: string;
  /** When the newest import finished (ISO 8601). */
  updatedAt?: string;
  stale: boolean;
}

export interface ScanReport {
  schemaVersion: 1;
  tool: { name: 'bulwark'; version: string };
  createdAt: string;
  target: ScanTarget;
  os?: Distro;
  packages: Package[];
  vulnerabilities: VulnerabilityFinding[];
  status: ScanStatus;
  db?: DbInfo;
}

/** Where a configuration finding points: 1-based inclusive lines. */
export interface SourceRange {
  startLine: number;
  endLine: number;
}

/** A compliance framework control a rule maps to: `{ framework: 'cis-kubernetes-1.9', control: '5.2.2' }`. */
export interface FrameworkControl {
  framework: string;
  control: string;
}

/** A misconfiguration found in a file (Kubernetes manifest, Dockerfile, Terraform, CloudFormation, compose). */
export interface ConfigFinding {
  ruleId: string;
  title: string;
  severity: Severity;
  /** Equivalent ids of peers (Trivy KSV/AVD, Checkov CKV, Kubescape C-xxxx, Hadolint DLxxxx...). */
  aliases: string[];
  file: string;
  range: SourceRange;
  /** The resource the finding is about: "Deployment/prod/web", "aws_s3_bucket.logs", "stage builder". */
  resource?: string;
  message: string;
  frameworks: FrameworkControl[];
  /** True when `--fix` can correct it mechanically. */
  fixable: boolean;
}
