/** One simple command of a shell script: `A=1 sudo apt-get install -y x` → name "apt-get", args ["install","-y","x"]. */
export interface ShellCommand {
  name: string;
  args: string[];
  /** `NAME=value` prefixes and `export NAME=value` operands. */
  assignments: [string, string][];
  /** Wrapper the command ran under ("sudo", "env"), if any. */
  via?: string;
  /** Operator that joined it to the previous command ("&&", "||", ";", "|", "newline"). */
  after: string;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'case', 'esac', '{', '}', '!', '(', ')', '[[']);
const WRAPPERS = new Set(['sudo', 'env', 'nohup', 'time', 'exec', 'command', 'xargs', 'doas', 'gosu', 'su-exec']);
const MAX_NESTING = 4;

type Token = { op: string } | { word: string };

/** Tokenizes POSIX shell enough for linting: quotes, escapes, $(...) and backticks kept inside words, comments dropped. */
export function tokenize(script: string): Token[] {
  const out: Token[] = [];
  let cur = '';
  let has = false;
  const push = (): void => {
    if (has) out.push({ word: cur });
    cur = '';
    has = false;
  };
  const n = script.length;
  for (let k = 0; k < n; k++) {
    const c = script[k]!;
    if (c === '\\') {
      if (script[k + 1] === '\n') { k++; continue; }
      if (k + 1 < n) { cur += script[++k]; has = true; }
      continue;
    }
    if (c === "'") {
      const e = script.indexOf("'", k + 1);
      const end = e < 0 ? n : e;
      cur += script.slice(k + 1, end);
      has = true;
      k = end;
      continue;
    }
    if (c === '"') {
      k++;
      for (; k < n && script[k] !== '"'; k++) {
        if (script[k] === '\\' && k + 1 < n && '"\\$`\n'.includes(script[k + 1]!)) { k++; if (script[k] !== '\n') cur += script[k]; continue; }
        cur += script[k];
      }
      has = true;
      continue;
    }
    if (c === '`' || (c === '$' && script[k + 1] === '(')) {
      const end = c === '`' ? script.indexOf('`', k + 1) : matchParen(script, k + 1);
      const stop = end < 0 ? n - 1 : end;
      cur += script.slice(k, stop + 1);
      has = true;
      k = stop;
      continue;
    }
    if (c === '#' && !has) {
      const e = script.indexOf('\n', k);
      k = e < 0 ? n : e - 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') { push(); continue; }
    if (c === '\n') { push(); out.push({ op: 'newline' }); continue; }
    if (c === '&' || c === '|' || c === ';') {
      push();
      const two = script.slice(k, k + 2);
      if (two === '&&' || two === '||' || two === ';;' || two === '|&') { out.push({ op: two }); k++; }
      else if (c === '&' && script[k + 1] === '>') { k++; out.push({ op: 'redirect' }); }
      else out.push({ op: c });
      continue;
    }
    if (c === '>' || c === '<') {
      // Redirection: drop the operator (and any fd digits just before it); the next word is its target.
      if (/^\d+$/.test(cur)) { cur = ''; has = false; } else push();
      while (k + 1 < n && (script[k + 1] === '>' || script[k + 1] === '<' || script[k + 1] === '&')) k++;
      if (/\d/.test(script[k + 1] ?? '') && script[k] === '&') { k++; continue; }
      out.push({ op: 'redirect' });
      continue;
    }
    if ((c === '(' || c === ')') && !has) { out.push({ op: c }); continue; }
    cur += c;
    has = true;
  }
  push();
  return out;
}

function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    if (s[k] === '(') depth++;
    else if (s[k] === ')' && --depth === 0) return k;
  }
  return -1;
}

/** Simple commands of a script, in order; `bash -c "..."` bodies and wrappers (sudo, env) are unfolded. */
export function parseShell(script: string, depth = 0): ShellCommand[] {
  const out: ShellCommand[] = [];
  let words: string[] = [];
  let after = 'start';
  let redirect = false;
  const flush = (op: string): void => {
    if (words.length > 0) out.push(...commandsOf(words, after, depth));
    if (words.length > 0 || op !== 'newline') after = op;
    words = [];
  };
  for (const t of tokenize(script)) {
    if ('op' in t) {
      if (t.op === 'redirect') { redirect = true; continue; }
      flush(t.op);
      continue;
    }
    if (redirect) { redirect = false; continue; }
    if (words.length === 0 && RESERVED.has(t.word)) continue;
    words.push(t.word);
  }
  flush('end');
  return out;
}

function commandsOf(words: string[], after: string, depth: number): ShellCommand[] {
  const assignments: [string, string][] = [];
  let k = 0;
  for (; k < words.length; k++) {
    const m = /^([A-Za-z_]\w*)=([\s\S]*)$/.exec(words[k]!);
    if (!m) break;
    assignments.push([m[1]!, m[2]!]);
  }
  if (k >= words.length) return assignments.length ? [{ name: '', args: [], assignments, after }] : [];
  const name = words[k]!;
  const args = words.slice(k + 1);
  if (name === 'export' || name === 'declare' || name === 'local' || name === 'readonly') {
    for (const a of args) {
      const m = /^([A-Za-z_]\w*)=([\s\S]*)$/.exec(a);
      if (m) assignments.push([m[1]!, m[2]!]);
    }
  }
  const cmd: ShellCommand = { name, args, assignments, after };
  const out: ShellCommand[] = [cmd];
  const base = name.replace(/^.*\//, '');
  if (WRAPPERS.has(base)) {
    let j = 0;
    while (j < args.length && (args[j]!.startsWith('-') || /^[A-Za-z_]\w*=/.test(args[j]!))) {
      if (base === 'sudo' && /^-[ugCDhprRT]$/.test(args[j]!)) j++;
      j++;
    }
    if (j < args.length) {
      const inner = commandsOf(args.slice(j), after, depth);
      for (const c of inner) c.via = base;
      out.push(...inner);
    }
  }
  if (depth < MAX_NESTING && /^(ba|da|z|a|k)?sh$/.test(base)) {
    const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
    if (c >= 0 && args[c + 1] !== undefined) out.push(...parseShell(args[c + 1]!, depth + 1));
  }
  return out;
}

/** Program name without its directory ("/usr/bin/apt-get" → "apt-get"). */
export function baseName(cmd: ShellCommand): string {
  return cmd.name.replace(/^.*\//, '');
}

/** Non-flag arguments; `withValue` lists flags whose value is the next word. */
export function positional(args: readonly string[], withValue: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') { out.push(...args.slice(k + 1)); break; }
    if (a.startsWith('-') && a.length > 1) {
      if (!a.includes('=') && withValue.has(a)) k++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** True when a flag is present: long ("--yes", "--opt=x"), or a short letter inside a cluster ("-yq" has "y"). */
export function hasFlag(args: readonly string[], long: readonly string[], short = ''): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (long.some((l) => a === l || a.startsWith(l + '='))) return true;
    if (short && /^-[A-Za-z0-9]+$/.test(a) && [...a.slice(1)].some((ch) => short.includes(ch))) return true;
  }
  return false;
}
