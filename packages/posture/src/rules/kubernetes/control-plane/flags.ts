import type { K8sResource } from '../../../kubernetes/parse.js';
import { containersOf, podOf } from '../../../kubernetes/workload.js';
import type { ContainerRef } from '../../../kubernetes/workload.js';
import type { DocPath } from '../../types.js';

export type Component = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'etcd' | 'kubelet';

/** A control-plane process found in a (static) pod: its container and its command-line flags. */
export interface ComponentProcess {
  component: Component;
  container: ContainerRef;
  /** Flag name (without dashes) → values in order; a flag given without "=" has the value "". */
  flags: Map<string, string[]>;
  /** Path of the flag's token, for placing findings. */
  pathOf(flag: string): DocPath;
}

const COMPONENTS: readonly Component[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet'];

function basename(s: string): string {
  return s.slice(s.lastIndexOf('/') + 1);
}

/** Processes of every component per workload: the command lines are parsed once per resource, not once per rule. */
const processes = new WeakMap<K8sResource, ComponentProcess[]>();

/** The control-plane processes a workload runs: a container whose command (or first arg) is the component binary. */
export function processesOf(r: K8sResource, component: Component): ComponentProcess[] {
  let list = processes.get(r);
  if (!list) {
    list = readProcesses(r);
    processes.set(r, list);
  }
  return list.filter((p) => p.component === component);
}

function readProcesses(r: K8sResource): ComponentProcess[] {
  const pod = podOf(r);
  if (!pod) return [];
  const out: ComponentProcess[] = [];
  for (const c of containersOf(pod, ['containers'])) {
    const command = Array.isArray(c.container.command) ? c.container.command.map(String) : [];
    const args = Array.isArray(c.container.args) ? c.container.args.map(String) : [];
    const tokens: { t: string; path: DocPath }[] = [
      ...command.map((t, i) => ({ t, path: [...c.path, 'command', i] })),
      ...args.map((t, i) => ({ t, path: [...c.path, 'args', i] })),
    ];
    const words = tokens.flatMap((x) => x.t.trim().split(/\s+/).map((w) => ({ w, path: x.path })));
    const bin = words.find((x) => !x.w.startsWith('-'));
    const component = bin ? basename(bin.w) as Component : undefined;
    if (!component || !COMPONENTS.includes(component)) continue;
    const flags = new Map<string, string[]>();
    const paths = new Map<string, DocPath>();
    for (const { w, path } of words) {
      if (!w.startsWith('--')) continue;
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const value = eq < 0 ? '' : w.slice(eq + 1).trim().replace(/^["']|["']$/g, '');
      (flags.get(name) ?? flags.set(name, []).get(name)!).push(value);
      paths.set(name, path);
    }
    out.push({ component, container: c, flags, pathOf: (f) => paths.get(f) ?? [...c.path, 'command'] });
  }
  return out;
}

/** Last value of a flag (the one the binary uses), undefined when absent. */
export function flag(p: ComponentProcess, name: string): string | undefined {
  const v = p.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

/** True when the flag is present with a non-empty value. */
export function isSet(p: ComponentProcess, name: string): boolean {
  const v = flag(p, name);
  return v !== undefined && v !== '';
}

/** Comma-separated list values of a flag. */
export function listOf(p: ComponentProcess, name: string): string[] {
  return (p.flags.get(name) ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}
