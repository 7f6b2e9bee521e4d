import * as a from './availability.js';

export const rules = [
  a.removedApi, a.readinessForService, a.identicalProbes, a.nonRollingStrategy, a.noPdb, a.pdbWithoutPolicy, a.ephemeralStorage, a.topologySpread,
  a.hostAntiAffinity, a.statefulSetService, a.selectorMismatch, a.jobTtl, a.sshPort, a.hpaMinReplicas,
];
