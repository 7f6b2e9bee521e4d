/** One file of a feed: where it is upstream (relative to the feed's base URL) and where it goes in the mirror. */
export interface UpstreamFile {
  remote: string;
  local: string;
}

export interface Upstream {
  /** Source id (sources/<id>) the files feed. */
  id: string;
  baseUrl: string;
  files: UpstreamFile[];
}

/** OSV bucket ecosystems fetched by default (Ubuntu feeds the ubuntu-osv source). */
export const OSV_ECOSYSTEMS = ['Go', 'crates.io', 'PyPI', 'npm', 'Maven', 'NuGet', 'RubyGems', 'Packagist', 'Pub', 'Hex', 'Ubuntu'];
/** Alpine secdb releases fetched by default (secdb.alpinelinux.org serves v3.2 onwards). */
export const ALPINE_RELEASES = ['v3.16', 'v3.17', 'v3.18', 'v3.19', 'v3.20', 'v3.21', 'v3.22', 'edge'];

/**
 * The real upstream locations of every feed, laid out into the same mirror structure importMirror reads
 * (shared/vulndb). Ubuntu's UCT is not fetched: it is a git repository without a release archive, and
 * Canonical's OSV (osv/Ubuntu/all.zip) carries the same data.
 */
export function defaultUpstreams(opts: { osvEcosystems?: string[]; alpineReleases?: string[] } = {}): Upstream[] {
  const osvEcosystems = opts.osvEcosystems ?? OSV_ECOSYSTEMS;
  const alpine = opts.alpineReleases ?? ALPINE_RELEASES;
  return [
    {
      id: 'osv',
      baseUrl: 'https://osv-vulnerabilities.storage.googleapis.com',
      files: osvEcosystems.map((eco) => ({ remote: `${encodeURIComponent(eco)}/all.zip`, local: `osv/${eco}/all.zip` })),
    },
    {
      id: 'kev',
      baseUrl: 'https://www.cisa.gov/sites/default/files/feeds',
      files: [{ remote: 'known_exploited_vulnerabilities.json', local: 'kev/known_exploited_vulnerabilities.json' }],
    },
    {
      id: 'epss',
      baseUrl: 'https://epss.empiricalsecurity.com',
      files: [{ remote: 'epss_scores-current.csv.gz', local: 'epss/epss_scores-current.csv.gz' }],
    },
    {
      id: 'debian-tracker-json',
      baseUrl: 'https://security-tracker.debian.org/tracker',
      files: [{ remote: 'data/json', local: 'debian/security-tracker.json' }],
    },
    {
      id: 'alpine-secdb',
      baseUrl: 'https://secdb.alpinelinux.org',
      files: alpine.flatMap((r) => ['main', 'community'].map((repo) => ({ remote: `${r}/${repo}.json`, local: `alpine/secdb/${r}/${repo}.json` }))),
    },
    {
      id: 'rubysec',
      baseUrl: 'https://github.com/rubysec/ruby-advisory-db/archive/refs/heads',
      files: [{ remote: 'master.zip', local: 'rubygems/ruby-advisory-db.zip' }],
    },
    {
      id: 'friendsofphp',
      baseUrl: 'https://github.com/FriendsOfPHP/security-advisories/archive/refs/heads',
      files: [{ remote: 'master.zip', local: 'packagist/security-advisories.zip' }],
    },
    {
      id: 'cve-json5',
      baseUrl: 'https://github.com/cisagov/vulnrichment/archive/refs/heads',
      files: [{ remote: 'develop.tar.gz', local: 'cve/vulnrichment.tar.gz' }],
    },
    {
      id: 'nodejs-security-wg',
      baseUrl: 'https://raw.githubusercontent.com/nodejs/security-wg/main/vuln',
      files: [
        { remote: 'core/index.json', local: 'nodejs/vuln/core/index.json' },
        { remote: 'npm/index.json', local: 'nodejs/vuln/npm/index.json' },
      ],
    },
  ];
}
