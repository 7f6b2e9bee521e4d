export {
  scorePriority,
  epssScale,
  PRIORITY_WEIGHTS,
  EXPOSURE_POINTS,
  POINTS_PER_CONTROL,
  CRITICALITY_MULTIPLIER,
  SEVERITY_AS_CVSS,
  type Exposure,
  type Priority,
  type PriorityInput,
} from './score.js';
export { prioritizeScan, workloadExposure, WORKLOAD_EXPOSURE_ATTRIBUTES } from './prioritize.js';
