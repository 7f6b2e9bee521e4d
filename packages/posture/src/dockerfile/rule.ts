import type { Rule, RuleMeta, Violation, Fix } from '../rules/types.js';
import { envAt, unquote } from './parse.js';
import type { Dockerfile, Instruction, Stage } from './parse.js';
import { parseShell } from './shell.js';
import type { ShellCommand } from './shell.js';

export type DockerfileRule = Rule<Dockerfile>;

type Spec = Omit<RuleMeta, 'target' | 'frameworks' | 'references'> & {
  frameworks?: RuleMeta['frameworks'];
  references?: readonly string[];
  check(df: Dockerfile): Violation[];
};

export function defineDockerfileRule(spec: Spec): DockerfileRule {
  const { check, ...meta } = spec;
  return { ...meta, frameworks: spec.frameworks ?? [], references: spec.references ?? [], target: 'dockerfile', check };
}

export function at(ins: Instruction, message: string, fix?: Fix): Violation {
  return { message, range: ins.range, ...(fix ? { fix } : {}) };
}

/** The shell script a RUN executes: heredoc bodies for `RUN <<EOF`, the exec array joined, or the shell form. */
export function scriptOf(ins: Instruction): string {
  if (ins.json) return ins.json.map((w) => (/[\s'"]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w)).join(' ');
  const rest = ins.args.replace(/<<-?(["']?)[A-Za-z_][\w.-]*\1/g, '').trim();
  if (ins.heredocs.length > 0 && (rest === '' || /^(\/bin\/|\/usr\/bin\/)?(ba|z|a)?sh(\s+-\w+)*$/.test(rest))) return ins.heredocs.map((h) => h.body).join('\n');
  return rest;
}

const commandCache = new WeakMap<Instruction, ShellCommand[]>();

/** Commands of a RUN (cached per instruction). */
export function commandsOf(ins: Instruction): ShellCommand[] {
  let c = commandCache.get(ins);
  if (!c) {
    c = parseShell(scriptOf(ins));
    commandCache.set(ins, c);
  }
  return c;
}

export interface RunRef {
  ins: Instruction;
  commands: ShellCommand[];
}

/** Every RUN, including those inside ONBUILD. */
export function runsOf(df: Dockerfile): RunRef[] {
  const out: RunRef[] = [];
  for (const ins of df.instructions) {
    const r = ins.keyword === 'RUN' ? ins : ins.trigger?.keyword === 'RUN' ? ins.trigger : undefined;
    if (r) out.push({ ins: r === ins ? ins : { ...r, range: ins.range }, commands: commandsOf(r) });
  }
  return out;
}

/** Stages whose content ends up in the final image: the last stage and the stages it builds on. -1 stands for a snippet without FROM. */
export function shippedStages(df: Dockerfile): Set<number> {
  const out = new Set<number>();
  if (df.stages.length === 0) return new Set([-1]);
  for (let s: Stage | undefined = df.stages[df.stages.length - 1]; s && !out.has(s.index); s = s.parent !== undefined ? df.stages[s.parent] : undefined) out.add(s.index);
  return out;
}

/** Stage chain of the final image, base first. */
export function finalChain(df: Dockerfile): Stage[] {
  const idx = shippedStages(df);
  return df.stages.filter((s) => idx.has(s.index));
}

/** Instructions of a stage, or the whole snippet when there is no FROM. */
export function stageGroups(df: Dockerfile): Instruction[][] {
  if (df.stages.length === 0) return [df.instructions];
  const pre = df.instructions.filter((i) => i.stage < 0);
  return [...(pre.length ? [pre] : []), ...df.stages.map((s) => s.instructions)];
}

/** A RUN mount flag targeting one of the paths with a cache or tmpfs mount. */
export function hasCacheMount(ins: Instruction, targets: readonly string[]): boolean {
  return ins.flags.some((f) => {
    if (f.name !== 'mount') return false;
    const kv = new Map(f.value.split(',').map((p) => { const e = p.indexOf('='); return e < 0 ? [p, ''] : [p.slice(0, e), unquote(p.slice(e + 1))]; }));
    const type = kv.get('type');
    const target = (kv.get('target') ?? kv.get('dst') ?? kv.get('destination') ?? '').replace(/\/+$/, '');
    return (type === 'cache' || type === 'tmpfs') && targets.some((t) => target === t.replace(/\/+$/, ''));
  });
}

export function envOf(df: Dockerfile, ins: Instruction): Map<string, string> {
  return envAt(df, ins);
}

/** Label of the stage an instruction is in ("stage builder", "stage 0"). */
export function stageLabel(df: Dockerfile, ins: Instruction): string | undefined {
  const s = df.stages[ins.stage];
  return s ? `stage ${s.name ?? s.index}` : undefined;
}

/** A one-line replacement of a single-line instruction with new arguments; undefined for multi-line instructions. */
export function rewrite(ins: Instruction, args: string, keyword = ins.keyword): Fix | undefined {
  if (ins.range.startLine !== ins.range.endLine || ins.heredocs.length > 0) return undefined;
  const flags = ins.flags.map((f) => `--${f.name}${f.value !== '' ? '=' + f.value : ''} `).join('');
  return { kind: 'lines', range: ins.range, replacement: [`${keyword} ${flags}${args}`] };
}
