import { InputError, LimitError, err, ok } from '@bulwark/core';
import type { Result, SourceRange } from '@bulwark/core';

/** One `--name=value` flag of FROM/RUN/COPY/ADD/HEALTHCHECK. A bare `--link` has value ''. */
export interface Flag {
  name: string;
  value: string;
}

export interface Heredoc {
  /** Terminator word ("EOF"). */
  name: string;
  /** `<<-`: leading tabs stripped. */
  chomp: boolean;
  body: string;
  range: SourceRange;
}

export interface Instruction {
  /** Upper-case keyword: "RUN", "FROM", "ONBUILD". */
  keyword: string;
  flags: Flag[];
  /** Argument text after the flags, continuations joined with a space, comment lines inside continuations dropped. */
  args: string;
  /** Exec form: the JSON array, when the arguments are one. */
  json?: string[];
  heredocs: Heredoc[];
  range: SourceRange;
  /** Index of the stage it belongs to; -1 before the first FROM. */
  stage: number;
  /** For ONBUILD: the wrapped instruction. */
  trigger?: Instruction;
}

export interface ImageRef {
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface Stage {
  index: number;
  /** `AS name`, as written. */
  name?: string;
  /** Base image after ARG substitution ("alpine:3.19", "builder", "scratch"). */
  image: string;
  /** The stage it builds on when `FROM <earlier stage name or index>`. */
  parent?: number;
  platform?: string;
  from: Instruction;
  instructions: Instruction[];
}

export interface Comment {
  line: number;
  text: string;
}

export interface Dockerfile {
  file: string;
  escape: '\\' | '`';
  instructions: Instruction[];
  stages: Stage[];
  /** ARGs declared before the first FROM, with their defaults (undefined: no default). */
  globalArgs: Map<string, string | undefined>;
  comments: Comment[];
  lineCount: number;
}

export interface DockerfileParseOptions {
  maxBytes?: number;
  maxInstructions?: number;
  maxHeredocs?: number;
}

export const DOCKERFILE_MAX_BYTES = 4 * 1024 * 1024;
const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);
const FLAG_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** Parses a Dockerfile the way BuildKit's frontend does (directives, escapes, continuations, heredocs, stages, ARG scoping). Pure. */
export function parseDockerfile(file: string, content: Buffer | string, opts: DockerfileParseOptions = {}): Result<Dockerfile, InputError> {
  const maxBytes = opts.maxBytes ?? DOCKERFILE_MAX_BYTES;
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > maxBytes) return err(new LimitError({ file, limit: `maxBytes=${maxBytes}`, message: `Dockerfile is ${size} bytes, over the ${maxBytes}-byte limit` }));
  const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/^\uFEFF/, '');
  if (text.includes('\0')) return err(new InputError({ file, message: 'binary content (NUL byte), not a Dockerfile' }));
  const lines = text.split(/\r?\n/);
  const maxInstructions = opts.maxInstructions ?? 20_000;
  const maxHeredocs = opts.maxHeredocs ?? 64;

  let escape: '\\' | '`' = '\\';
  const comments: Comment[] = [];
  let i = 0;
  // Parser directives: only at the very top, before any blank line, comment or instruction.
  for (; i < lines.length; i++) {
    const m = /^\s*#\s*([a-zA-Z]+)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m) break;
    comments.push({ line: i + 1, text: lines[i]!.trim() });
    if (m[1]!.toLowerCase() === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') return err(new InputError({ file, field: `line ${i + 1}`, message: `invalid escape directive "${m[2]}" (expected \\ or \`)` }));
      escape = m[2];
    }
  }

  const instructions: Instruction[] = [];
  while (i < lines.length) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '') { i++; continue; }
    if (trimmed.startsWith('#')) { comments.push({ line: i + 1, text: trimmed }); i++; continue; }
    const start = i;
    // Join continuation lines; comment and blank lines inside a continuation are skipped (BuildKit behaviour).
    let logical = '';
    let line = raw;
    for (;;) {
      const t = line.replace(/\s+$/, '');
      if (t.endsWith(escape)) {
        logical += t.slice(0, -1);
        i++;
        while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.trim().startsWith('#'))) {
          if (lines[i]!.trim().startsWith('#')) comments.push({ line: i + 1, text: lines[i]!.trim() });
          i++;
        }
        if (i >= lines.length) break;
        line = lines[i]!;
        continue;
      }
      logical += t;
      break;
    }
    const end = Math.min(i, lines.length - 1);
    i = end + 1;
    const parsed = parseInstruction(file, logical, start + 1);
    if (!parsed.ok) return parsed;
    const ins = parsed.value;
    ins.range = { startLine: start + 1, endLine: end + 1 };
    // Heredoc bodies follow the instruction line.
    const target = ins.trigger ?? ins;
    if (HEREDOC_KEYWORDS.has(target.keyword)) {
      const markers = heredocMarkers(target.args);
      if (markers.length > maxHeredocs) return err(new LimitError({ file, field: `line ${start + 1}`, limit: `maxHeredocs=${maxHeredocs}` }));
      for (const mk of markers) {
        const bodyStart = i;
        const body: string[] = [];
        let closed = false;
        while (i < lines.length) {
          const l = mk.chomp ? lines[i]!.replace(/^\t+/, '') : lines[i]!;
          i++;
          if (l === mk.name) { closed = true; break; }
          body.push(l);
        }
        if (!closed) return err(new InputError({ file, field: `line ${start + 1}`, message: `unterminated heredoc <<${mk.name}` }));
        target.heredocs.push({ name: mk.name, chomp: mk.chomp, body: body.join('\n'), range: { startLine: bodyStart + 1, endLine: i } });
      }
      if (markers.length > 0) ins.range = { startLine: start + 1, endLine: i };
    }
    instructions.push(ins);
    if (instructions.length > maxInstructions) return err(new LimitError({ file, limit: `maxInstructions=${maxInstructions}` }));
  }
  return ok(buildStages(file, escape, instructions, comments, lines.length));
}

function parseInstruction(file: string, logical: string, line: number, nested = false): Result<Instruction, InputError> {
  const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(logical);
  if (!m) return err(new InputError({ file, field: `line ${line}`, message: `cannot parse instruction "${logical.slice(0, 60)}"` }));
  const keyword = m[1]!.toUpperCase();
  if (!KEYWORDS.has(keyword)) return err(new InputError({ file, field: `line ${line}`, message: `unknown instruction ${m[1]}` }));
  let rest = (m[2] ?? '').trim();
  const flags: Flag[] = [];
  if (FLAG_KEYWORDS.has(keyword)) {
    for (;;) {
      const f = /^--([A-Za-z][\w-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?(?:\s+|$)/.exec(rest);
      if (!f) break;
      flags.push({ name: f[1]!, value: unquote(f[2] ?? '') });
      rest = rest.slice(f[0].length);
    }
  }
  const ins: Instruction = { keyword, flags, args: rest, heredocs: [], range: { startLine: line, endLine: line }, stage: -1 };
  if (rest.startsWith('[')) {
    try {
      const v: unknown = JSON.parse(rest);
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) ins.json = v as string[];
    } catch {
      // Not JSON: BuildKit falls back to the shell form.
    }
  }
  if (keyword === 'ONBUILD') {
    if (nested) return ok(ins);
    if (rest === '') return err(new InputError({ file, field: `line ${line}`, message: 'ONBUILD requires an instruction' }));
    const inner = parseInstruction(file, rest, line, true);
    if (!inner.ok) return inner;
    ins.trigger = inner.value;
  }
  return ok(ins);
}

function heredocMarkers(args: string): { name: string; chomp: boolean }[] {
  const out: { name: string; chomp: boolean }[] = [];
  const re = /<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/g;
  for (let m = re.exec(args); m; m = re.exec(args)) out.push({ name: m[3]!, chomp: m[1] === '-' });
  return out;
}

export function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}

function buildStages(file: string, escape: '\\' | '`', instructions: Instruction[], comments: Comment[], lineCount: number): Dockerfile {
  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      for (const [k, v] of argPairs(ins.args)) globalArgs.set(k, v === undefined ? undefined : expand(v, (n) => globalArgs.get(n)));
    }
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter(Boolean);
      const lookup = (n: string): string | undefined => globalArgs.get(n);
      const image = expand(words[0] ?? '', lookup);
      const name = words.length >= 3 && words[1]!.toUpperCase() === 'AS' ? words[2] : undefined;
      const platformFlag = ins.flags.find((f) => f.name === 'platform');
      const parent = stages.find((s) => s.name !== undefined && s.name.toLowerCase() === image.toLowerCase())?.index;
      const stage: Stage = { index: stages.length, image, from: ins, instructions: [] };
      if (name !== undefined) stage.name = name;
      if (parent !== undefined) stage.parent = parent;
      if (platformFlag) stage.platform = platformFlag.value;
      stages.push(stage);
    }
    ins.stage = stages.length - 1;
    if (ins.trigger) ins.trigger.stage = ins.stage;
    if (stages.length > 0) stages[stages.length - 1]!.instructions.push(ins);
  }
  return { file, escape, instructions, stages, globalArgs, comments, lineCount };
}

/** `ARG a=1 b` → [["a","1"],["b",undefined]]. */
export function argPairs(args: string): [string, string | undefined][] {
  return splitWords(args).map((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? [w, undefined] : [w.slice(0, eq), unquote(w.slice(eq + 1))];
  });
}

/** `ENV a=1 b="x y"` or legacy `ENV a 1 2` → pairs with quotes removed. */
export function envPairs(args: string): [string, string][] {
  const words = splitWords(args);
  if (words.length === 0) return [];
  if (!words[0]!.includes('=')) {
    const m = /^\s*(\S+)\s+([\s\S]*)$/.exec(args);
    return m ? [[m[1]!, unquote(m[2]!.trim())]] : [[words[0]!, '']];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? [w, ''] : [w.slice(0, eq), unquoteWord(w.slice(eq + 1))];
  });
}

/** Whitespace-separated words, keeping quoted spans (with their quotes) together. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    if (q) {
      cur += c;
      if (c === '\\' && q === '"' && k + 1 < s.length) cur += s[++k];
      else if (c === q) q = undefined;
    } else if (c === '"' || c === "'") {
      q = c;
      cur += c;
    } else if (c === '\\' && k + 1 < s.length) {
      cur += c + s[++k];
    } else if (/\s/.test(c)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** Removes shell-style quotes from one word (`"a b"c` → `a bc`). */
export function unquoteWord(w: string): string {
  let out = '';
  let q: string | undefined;
  for (let k = 0; k < w.length; k++) {
    const c = w[k]!;
    if (q) {
      if (c === q) q = undefined;
      else if (c === '\\' && q === '"' && k + 1 < w.length && '"\\$`'.includes(w[k + 1]!)) out += w[++k];
      else out += c;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '\\' && k + 1 < w.length) out += w[++k];
    else out += c;
  }
  return out;
}

/** Docker variable substitution: $V, ${V}, ${V:-d}, ${V-d}, ${V:+x}, ${V+x}. Unknown variables are kept verbatim. */
export function expand(s: string, lookup: (name: string) => string | undefined, depth = 0): string {
  if (depth > 8) return s;
  return s.replace(/\$(?:\{([A-Za-z_]\w*)(?:(:?[-+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_]\w*))/g, (whole, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const v = lookup(name);
    if (op === undefined) return v ?? whole;
    const set = op.startsWith(':') ? v !== undefined && v !== '' : v !== undefined;
    if (op.endsWith('-')) return set ? v! : expand(word ?? '', lookup, depth + 1);
    return set ? expand(word ?? '', lookup, depth + 1) : '';
  });
}

/** Splits "registry/repo:tag@sha256:..." into parts; Docker Hub names get no registry. */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  const out: ImageRef = { repository: rest };
  if (registry !== undefined) out.registry = registry;
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** Environment visible to an instruction: inherited stage ENV/ARG (ARGs with their global defaults), in order. */
export function envAt(df: Dockerfile, ins: Instruction): Map<string, string> {
  const env = new Map<string, string>();
  const chain: Stage[] = [];
  if (ins.stage < 0) chain.push({ index: -1, image: '', from: ins, instructions: df.instructions.filter((x) => x.stage < 0) });
  for (let s: Stage | undefined = ins.stage < 0 ? undefined : df.stages[ins.stage]; s && chain.length < 64; s = s.parent !== undefined ? df.stages[s.parent] : undefined) chain.unshift(s);
  for (const s of chain) {
    for (const x of s.instructions) {
      if (x === ins) return env;
      const lookup = (n: string): string | undefined => env.get(n);
      if (x.keyword === 'ENV') for (const [k, v] of envPairs(x.args)) env.set(k, expand(v, lookup));
      if (x.keyword === 'ARG') {
        for (const [k, v] of argPairs(x.args)) {
          const value = v !== undefined ? expand(v, lookup) : df.globalArgs.get(k);
          if (value !== undefined) env.set(k, value);
        }
      }
    }
  }
  return env;
}
