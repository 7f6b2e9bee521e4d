/**
 * Debian codename → release number as OSV spells it in "Debian:<n>" (osv.dev uses "3.0"…"6.0" for the old
 * point-numbered releases, then the major number). sid and testing have no number and are not mapped.
 */
export const DEBIAN_RELEASES: Readonly<Record<string, string>> = Object.freeze({
  buzz: '1.1', rex: '1.2', bo: '1.3', hamm: '2.0', slink: '2.1', potato: '2.2',
  woody: '3.0', sarge: '3.1', etch: '4.0', lenny: '5.0', squeeze: '6.0',
  wheezy: '7', jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13',
  forky: '14', duke: '15',
});

export function debianEcosystem(codename: string): string | undefined {
  const n = DEBIAN_RELEASES[codename.toLowerCase()];
  return n ? `Debian:${n}` : undefined;
}
