import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Package, Result } from '@bulwark/core';
import type { Cataloger } from '../../types.js';
import { baseName, makePackage } from '../../util.js';
import { goPurlParts } from '../binary/go-binary.js';

const ID = 'go/mod';
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_TOKENS_PER_LINE = 64;

/** One directive line of go.mod: verb ("require", "replace", ...), its arguments, and its trailing comment. */
export interface GoModLine {
  verb: string;
  args: string[];
  comment: string;
  line: number;
}

interface Token {
  text: string;
  quoted: boolean;
}

/**
 * Splits go.mod text into directive lines, expanding `verb ( ... )` blocks so every line carries its verb
 * (golang.org/x/mod/modfile's grammar: identifiers, "interpreted" and `raw` strings, `//` comments, `=>`).
 */
export function parseGoModLines(text: string, file: string): Result<GoModLine[], InputError> {
  const out: GoModLine[] = [];
  let block: string | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lex = lexLine(lines[n]);
    if (!lex) return err(new InputError({ file, field: `line ${n + 1}`, expected: 'terminated string literals' }));
    if (lex.tokens.length > MAX_TOKENS_PER_LINE) return err(new LimitError({ file, field: `line ${n + 1}`, limit: `tokens=${MAX_TOKENS_PER_LINE}` }));
    const toks = lex.tokens;
    if (toks.length === 0) continue;
    if (block !== undefined) {
      if (toks.length === 1 && toks[0].text === ')' && !toks[0].quoted) {
        block = undefined;
        continue;
      }
      out.push({ verb: block, args: toks.map((t) => t.text), comment: lex.comment, line: n + 1 });
      continue;
    }
    const verb = toks[0].text;
    if (toks.length === 2 && toks[1].text === '(' && !toks[1].quoted) {
      block = verb;
      continue;
    }
    if (toks.length === 3 && toks[1].text === '(' && toks[2].text === ')') continue; // empty block on one line
    out.push({ verb, args: toks.slice(1).map((t) => t.text), comment: lex.comment, line: n + 1 });
  }
  if (block !== undefined) return err(new InputError({ file, field: `${block} block`, expected: 'a closing ")"' }));
  return ok(out);
}

function lexLine(line: string): { tokens: Token[]; comment: string } | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && line[i + 1] === '/') {
      return { tokens, comment: line.slice(i + 2).trim() };
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        s += line[j++];
      }
      if (j >= line.length) return undefined;
      tokens.push({ text: s, quoted: true });
      i = j + 1;
    } else if (c === '`') {
      const j = line.indexOf('`', i + 1);
      if (j < 0) return undefined;
      tokens.push({ text: line.slice(i + 1, j), quoted: true });
      i = j + 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ text: c, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < line.length && !' \t\r"`()'.includes(line[j]) && !(line[j] === '/' && line[j + 1] === '/')) j++;
      tokens.push({ text: line.slice(i, j), quoted: false });
      i = j;
    }
  }
  return { tokens, comment: '' };
}

function isLocalPath(p: string): boolean {
  return p.startsWith('./') || p.startsWith('../') || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p === '.' || p === '..';
}

interface Require {
  path: string;
  version: string;
  indirect: boolean;
}

/**
 * go.mod → one package per `require`, with `replace` applied (a versioned replacement wins; a local-directory one
 * keeps the module without a version) and `exclude` noted. The main module itself has no version and is not listed.
 */
export const goMod: Cataloger = {
  id: ID,
  version: 1,
  maxBytes: MAX_BYTES,
  matches(path) {
    return baseName(path) === 'go.mod';
  },
  catalog(file) {
    if (file.content.length > MAX_BYTES) return err(new LimitError({ file: file.path, limit: `maxBytes=${MAX_BYTES}` }));
    if (file.content.includes(0)) return err(new InputError({ file: file.path, expected: 'go.mod text' }));
    const parsed = parseGoModLines(file.content.toString('utf8'), file.path);
    if (!parsed.ok) return parsed;
    let mainModule: string | undefined;
    let goDirective: string | undefined;
    const requires: Require[] = [];
    const replaces: { old: string; oldVersion?: string; path: string; version?: string }[] = [];
    const excludes = new Set<string>();
    for (const l of parsed.value) {
      const bad = (expected: string): Result<never, InputError> => err(new InputError({ file: file.path, field: `line ${l.line} (${l.verb})`, expected }));
      switch (l.verb) {
        case 'module':
          if (l.args.length !== 1) return bad('one module path');
          mainModule = l.args[0];
          break;
        case 'go':
          goDirective = l.args[0];
          break;
        case 'require':
          if (l.args.length !== 2) return bad('a module path and a version');
          requires.push({ path: l.args[0], version: l.args[1], indirect: /^indirect(;|$)/.test(l.comment) });
          break;
        case 'exclude':
          if (l.args.length !== 2) return bad('a module path and a version');
          excludes.add(`${l.args[0]}@${l.args[1]}`);
          break;
        case 'replace': {
          const arrow = l.args.indexOf('=>');
          if (arrow < 1 || arrow > 2 || l.args.length - arrow - 1 < 1 || l.args.length - arrow - 1 > 2) return bad('old [version] => new [version]');
          replaces.push({ old: l.args[0], oldVersion: arrow === 2 ? l.args[1] : undefined, path: l.args[arrow + 1], version: l.args[arrow + 2] });
          break;
        }
        default:
          break; // toolchain, retract, godebug, tool, ignore: no packages
      }
    }
    const packages: Package[] = [];
    for (const r of requires) {
      // A version-specific replace beats a path-wide one, as in cmd/go.
      const rep = replaces.find((x) => x.old === r.path && x.oldVersion === r.version) ?? replaces.find((x) => x.old === r.path && x.oldVersion === undefined);
      const meta: Record<string, unknown> = {};
      if (mainModule) meta.mainModule = mainModule;
      if (goDirective) meta.goDirective = goDirective;
      if (r.indirect) meta.indirect = true;
      if (excludes.has(`${r.path}@${r.version}`)) meta.excluded = true;
      let path = r.path;
      let version = r.version;
      if (rep) {
        if (rep.version && !isLocalPath(rep.path)) {
          meta.replaces = { path: r.path, version: r.version };
          path = rep.path;
          version = rep.version;
        } else {
          meta.replacedBy = rep.path;
          meta.requiredVersion = r.version;
          version = '';
        }
      }
      packages.push(makePackage({ name: path, version, type: 'golang', ecosystem: 'Go', foundBy: ID, path: file.path, layer: file.layer, purl: goPurlParts(path), metadata: meta }));
    }
    return ok({ packages });
  },
};
