import { snippetAlias, snippetLua, suspiciousAnnotation } from './ingress-nginx.js';
import { danglingNetworkPolicy, ingressEgressNotBlocked, ingressWithoutService, networkPolicyTargetsPod, noNetworkPolicy, serviceWithoutPods } from './network.js';

export const rules = [danglingNetworkPolicy, noNetworkPolicy, ingressEgressNotBlocked, serviceWithoutPods, ingressWithoutService, networkPolicyTargetsPod, snippetAlias, snippetLua, suspiciousAnnotation];
