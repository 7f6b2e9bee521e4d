/**
 * UCT release names → the version part of OSV "Ubuntu:<version>" (Canonical's OSV adds ":LTS", which the
 * store drops from lookup keys). ESM lines ("trusty/esm") are Ubuntu Pro ("Ubuntu:Pro:14.04", as in
 * Canonical's "Ubuntu:Pro:14.04:LTS"). `upstream`, `devel`, `product`, `snap` and overlay/core lines
 * name no release and are skipped.
 */
export const UBUNTU_RELEASES: Readonly<Record<string, string>> = Object.freeze({
  warty: '4.10', hoary: '5.04', breezy: '5.10', dapper: '6.06', edgy: '6.10', feisty: '7.04', gutsy: '7.10',
  hardy: '8.04', intrepid: '8.10', jaunty: '9.04', karmic: '9.10', lucid: '10.04', maverick: '10.10',
  natty: '11.04', oneiric: '11.10', precise: '12.04', quantal: '12.10', raring: '13.04', saucy: '13.10',
  trusty: '14.04', utopic: '14.10', vivid: '15.04', wily: '15.10', xenial: '16.04', yakkety: '16.10',
  zesty: '17.04', artful: '17.10', bionic: '18.04', cosmic: '18.10', disco: '19.04', eoan: '19.10',
  focal: '20.04', groovy: '20.10', hirsute: '21.04', impish: '21.10', jammy: '22.04', kinetic: '22.10',
  lunar: '23.04', mantic: '23.10', noble: '24.04', oracular: '24.10', plucky: '25.04', questing: '25.10',
  resolute: '26.04',
});

export function ubuntuEcosystem(release: string): string | undefined {
  const [name, variant] = release.split('/');
  const version = UBUNTU_RELEASES[name];
  if (!version) return undefined;
  if (variant === undefined) return `Ubuntu:${version}`;
  if (variant === 'esm') return `Ubuntu:Pro:${version}`;
  return undefined;
}
