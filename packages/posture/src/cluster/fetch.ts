import { ConfigError, ExternalError } from '@bulwark/core';
import type * as KubernetesClient from '@kubernetes/client-node';
import type { ApiException, KubeConfig, ObservableMiddleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { INVENTORY_KINDS } from './kinds.js';
import type { InventoryKind } from './kinds.js';
import { sanitizeObject } from './sanitize.js';
import type { KubeObject } from './types.js';

export interface FetchClusterOptions {
  /** Kubeconfig file; default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account (as kubectl). */
  kubeconfig?: string;
  /** Context to use; default: the kubeconfig's current-context. */
  context?: string;
  /** Objects per list request (`limit`; default 500, as kubectl); the rest follows with `continue` tokens. */
  pageSize?: number;
  /** Kinds to list (default: every inventory kind). */
  kinds?: readonly string[];
  /** Timeout of one request in ms (default 30 000). */
  timeoutMs?: number;
}

/** A kind that could not be listed: the credentials lack the permission, or the server does not serve it. */
export interface SkippedKind {
  kind: string;
  /** RBAC resource and API group to grant `list` on (`secrets`, `""`). */
  resource: string;
  group: string;
  status: number;
  reason: string;
}

export interface ClusterFetch {
  /** API server URL of the context used. */
  server: string;
  context: string;
  /** Every object listed, in inventory kind order, Secrets reduced to metadata (the same shape `loadSnapshot` gives). */
  objects: KubeObject[];
  skipped: SkippedKind[];
  /** List requests made (pages). */
  requests: number;
}

type Params = { limit: number; _continue?: string };
type Options = { middleware: ObservableMiddleware[]; middlewareMergeStrategy: 'append' };
type List = (p: Params, o: Options) => Promise<unknown>;

/** The official client's list call of each kind, across all namespaces. */
/** The client library, loaded on first use: it is large, and only live-cluster commands need it. */
type Client = typeof KubernetesClient;

function listers(c: Client, kc: KubeConfig): Record<string, List> {
  const core = kc.makeApiClient(c.CoreV1Api);
  const apps = kc.makeApiClient(c.AppsV1Api);
  const batch = kc.makeApiClient(c.BatchV1Api);
  const discovery = kc.makeApiClient(c.DiscoveryV1Api);
  const net = kc.makeApiClient(c.NetworkingV1Api);
  const rbac = kc.makeApiClient(c.RbacAuthorizationV1Api);
  return {
    Namespace: (p, o) => core.listNamespace(p, o),
    Node: (p, o) => core.listNode(p, o),
    Deployment: (p, o) => apps.listDeploymentForAllNamespaces(p, o),
    StatefulSet: (p, o) => apps.listStatefulSetForAllNamespaces(p, o),
    DaemonSet: (p, o) => apps.listDaemonSetForAllNamespaces(p, o),
    ReplicaSet: (p, o) => apps.listReplicaSetForAllNamespaces(p, o),
    CronJob: (p, o) => batch.listCronJobForAllNamespaces(p, o),
    Job: (p, o) => batch.listJobForAllNamespaces(p, o),
    Pod: (p, o) => core.listPodForAllNamespaces(p, o),
    Service: (p, o) => core.listServiceForAllNamespaces(p, o),
    Endpoints: (p, o) => core.listEndpointsForAllNamespaces(p, o),
    EndpointSlice: (p, o) => discovery.listEndpointSliceForAllNamespaces(p, o),
    Ingress: (p, o) => net.listIngressForAllNamespaces(p, o),
    NetworkPolicy: (p, o) => net.listNetworkPolicyForAllNamespaces(p, o),
    PersistentVolume: (p, o) => core.listPersistentVolume(p, o),
    PersistentVolumeClaim: (p, o) => core.listPersistentVolumeClaimForAllNamespaces(p, o),
    ServiceAccount: (p, o) => core.listServiceAccountForAllNamespaces(p, o),
    Secret: (p, o) => core.listSecretForAllNamespaces(p, o),
    Role: (p, o) => rbac.listRoleForAllNamespaces(p, o),
    ClusterRole: (p, o) => rbac.listClusterRole(p, o),
    RoleBinding: (p, o) => rbac.listRoleBindingForAllNamespaces(p, o),
    ClusterRoleBinding: (p, o) => rbac.listClusterRoleBinding(p, o),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Takes the raw JSON page before the client's typed deserializer: items become plain objects exactly as served (with
 * the `kind`/`apiVersion` the API leaves out of list items), Secrets are stripped at once, and the client
 * deserializes an empty page — no second copy of the data, no Secret value in a model object.
 */
function pageTaker(c: Client, k: InventoryKind, timeoutMs: number, onPage: (items: KubeObject[], next: string | undefined) => void): ObservableMiddleware {
  return {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(AbortSignal.timeout(timeoutMs));
      return new c.Observable(Promise.resolve(ctx));
    },
    post: (rsp: ResponseContext) =>
      new c.Observable(
        (async () => {
          if (rsp.httpStatusCode < 200 || rsp.httpStatusCode > 299) return rsp;
          let page: unknown;
          try {
            page = JSON.parse(await rsp.body.text());
          } catch (e) {
            throw new ExternalError({ source: 'kubernetes', message: `${k.kind} list: response is not JSON`, cause: e });
          }
          const items: KubeObject[] = [];
          const raw = isRecord(page) && Array.isArray(page.items) ? page.items : [];
          for (const item of raw) {
            if (!isRecord(item)) continue;
            item.kind ??= k.kind;
            item.apiVersion ??= k.apiVersion;
            const o = sanitizeObject(item);
            if (o) items.push(o);
          }
          const meta = isRecord(page) && isRecord(page.metadata) ? page.metadata : {};
          onPage(items, typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : undefined);
          const empty = JSON.stringify({ kind: k.listKind, apiVersion: k.apiVersion, metadata: {}, items: [] });
          return new c.ResponseContext(rsp.httpStatusCode, rsp.headers, { text: () => Promise.resolve(empty), binary: () => Promise.resolve(Buffer.from(empty)) });
        })(),
      ),
  };
}

function apiMessage(e: ApiException<unknown>): string {
  const body = e.body;
  if (isRecord(body) && typeof body.message === 'string') return body.message;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (isRecord(parsed) && typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not JSON: fall through
    }
  }
  return `HTTP ${e.code}`;
}

function loadConfig(c: Client, opts: FetchClusterOptions): KubeConfig {
  const kc = new c.KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new ConfigError('kubeconfig', `cannot load ${opts.kubeconfig ?? 'the default kubeconfig'}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new ConfigError('context', `no context "${opts.context}" in ${opts.kubeconfig ?? 'the kubeconfig'} (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new ConfigError('context', `context "${kc.getCurrentContext()}" names no cluster`);
  return kc;
}

/**
 * Lists the inventory kinds of a live cluster through the official Kubernetes JavaScript client
 * (`@kubernetes/client-node`), page by page (`limit` + `continue`), and returns the objects in the shape
 * `loadSnapshot` gives (Secrets reduced to metadata). A kind the credentials may not list (401/403) or the server
 * does not serve (404) is skipped and reported in `skipped` with the permission it needs; the other kinds go on.
 * An unreachable server, or one that fails (5xx, 429), is an ExternalError naming the server.
 */
export async function fetchCluster(opts: FetchClusterOptions = {}): Promise<ClusterFetch> {
  const c = await import('@kubernetes/client-node');
  const kc = loadConfig(c, opts);
  const server = kc.getCurrentCluster()!.server;
  const context = kc.getCurrentContext();
  const wanted = opts.kinds ? new Set(opts.kinds) : undefined;
  const kinds = INVENTORY_KINDS.filter((k) => !wanted || wanted.has(k.kind));
  if (wanted) for (const w of wanted) if (!kinds.some((k) => k.kind === w)) throw new ConfigError('kinds', `unknown kind ${w} (known: ${INVENTORY_KINDS.map((k) => k.kind).join(', ')})`);
  const list = listers(c, kc);
  const limit = opts.pageSize ?? 500;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const objects: KubeObject[] = [];
  const skipped: SkippedKind[] = [];
  let requests = 0;
  for (const k of kinds) {
    const group = k.apiVersion.includes('/') ? k.apiVersion.split('/')[0]! : '';
    let next: string | undefined;
    const got: KubeObject[] = [];
    try {
      do {
        let cont: string | undefined;
        const mw = pageTaker(c, k, timeoutMs, (items, c) => {
          got.push(...items);
          cont = c;
        });
        requests++;
        await list[k.kind]!({ limit, ...(next !== undefined ? { _continue: next } : {}) }, { middleware: [mw], middlewareMergeStrategy: 'append' });
        next = cont;
      } while (next !== undefined);
      objects.push(...got);
    } catch (e) {
      if (e instanceof c.ApiException) {
        const code = e.code;
        if (code === 401 || code === 403) {
          const who = code === 401 ? 'the server rejected the credentials' : 'forbidden';
          skipped.push({ kind: k.kind, resource: k.resource, group, status: code, reason: `${who}: needs "list" on ${k.resource}${group ? ` (API group ${group})` : ' (core API group)'} cluster-wide to inventory ${k.kind} objects — ${apiMessage(e)}` });
          continue;
        }
        if (code === 404) {
          skipped.push({ kind: k.kind, resource: k.resource, group, status: code, reason: `not served by this API server (${k.apiVersion} ${k.resource})` });
          continue;
        }
        throw new ExternalError({ source: server, message: `listing ${k.resource}: HTTP ${code}: ${apiMessage(e)}`, retryable: code === 429 || code >= 500, cause: e });
      }
      if (e instanceof ExternalError) throw e;
      const detail = isRecord(e) && typeof e.code === 'string' ? `${e.code}` : e instanceof Error ? e.message : String(e);
      throw new ExternalError({ source: server, message: `cannot reach the Kubernetes API server (context ${context}) while listing ${k.resource}: ${detail}`, retryable: true, cause: e });
    }
  }
  return { server, context, objects, skipped, requests };
}
