export { type ConnEntry, type ConnList, type ConnectivityOptions, type Query, type ProbeVerdict, connectivity, connectivityOfModel, formatConnList, isAllowed, probeMatrix, ingressConnections, ipPeers } from './connlist.js';
export { type ExposedWorkload, exposure, exposureOfModel } from './exposure.js';
export { type NetpolModel, type Workload, buildModel } from './model.js';
export { type ParseLimits, DEFAULT_PARSE_LIMITS, parseManifests } from './parse.js';
export { type ConnSet, type Protocol, formatConns } from './conn-set.js';
export { type EngineOptions, type Peer, allowedConns, explain, peerName } from './engine.js';
export { scoreNetpolCase, scoreNetpolCorpus } from './corpus.js';
export type { NetpolCaseResult } from './corpus.js';
