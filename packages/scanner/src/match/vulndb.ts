// The one seam from the matcher to the vulnerability database package.
export { compareVersions, schemeFor, scoreCvss, evaluateAffected, isWithdrawn, normalizePackageName, normalizeEcosystem } from '@bulwark/vulndb';
