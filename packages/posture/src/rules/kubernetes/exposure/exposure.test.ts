import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseKubernetes } from '../../../kubernetes/parse.js';
import { familyFixtureTests } from '../harness.js';
import { ingressBackends, istioExposedServices, routeBackends } from './graph.js';
import { rules } from './index.js';

familyFixtureTests(fileURLToPath(new URL('.', import.meta.url)), rules);

function parse(yaml: string) {
  const r = parseKubernetes('x.yaml', yaml);
  assert.ok(r.ok);
  return r.value;
}

test('Ingress backends: v1 service.name, v1beta1 serviceName, default backends', () => {
  const [ing] = parse(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  rules:
  - http:
      paths:
      - {path: /a, backend: {service: {name: a}}}
      - {path: /b, backend: {serviceName: b, servicePort: 80}}
      - {path: /c, backend: {resource: {kind: StorageBucket, name: static}}}
`);
  assert.deepEqual(ingressBackends(ing!), ['fallback', 'a', 'b']);
});

test('Gateway API backendRefs: Service by default, other kinds and groups skipped, namespace from the ref', () => {
  const [route] = parse(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: web}
spec:
  rules:
  - backendRefs:
    - {name: a, port: 80}
    - {name: b, namespace: other, kind: Service, group: ""}
    - {name: c, kind: Backend, group: example.com}
`);
  assert.deepEqual(routeBackends(route!).map((b) => `${b.namespace}/${b.name}`), ['web/a', 'other/b']);
});

test('Istio: only VirtualServices bound to a gateway fronted by a NodePort/LoadBalancer Service expose', () => {
  const all = parse(`apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: internal, namespace: gw}
spec: {selector: {istio: internal-gw}}
---
apiVersion: v1
kind: Service
metadata: {name: internal-gw, namespace: gw}
spec: {selector: {istio: internal-gw}, ports: [{port: 80}]}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: vs, namespace: app}
spec:
  gateways: [gw/internal, mesh]
  http: [{route: [{destination: {host: svc}}]}]
`);
  assert.equal(istioExposedServices(all).size, 0);
});
