/** One Debian control paragraph: field names as written (case kept), multi-line values joined with "\n". */
export type ControlParagraph = Map<string, string>;

/**
 * Splits a deb822 control file (dpkg status, DEP-5 copyright) into paragraphs. Continuation lines start with
 * a space or tab; a lone " ." is an empty line inside a value. Lines that are neither fields nor
 * continuations are kept out rather than failing the whole file: dpkg itself rejects such files, and
 * `strict` lets callers report them.
 */
export function parseControl(text: string): { paragraphs: ControlParagraph[]; badLines: number } {
  const paragraphs: ControlParagraph[] = [];
  let current: ControlParagraph = new Map();
  let lastKey: string | undefined;
  let badLines = 0;
  const flush = (): void => {
    if (current.size > 0) paragraphs.push(current);
    current = new Map();
    lastKey = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (lastKey === undefined) {
        badLines++;
        continue;
      }
      const cont = line.trim();
      current.set(lastKey, `${current.get(lastKey)}\n${cont === '.' ? '' : cont}`);
      continue;
    }
    if (line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
      badLines++;
      lastKey = undefined;
      continue;
    }
    lastKey = line.slice(0, colon);
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  flush();
  return { paragraphs, badLines };
}
