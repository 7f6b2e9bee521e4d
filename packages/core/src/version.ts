/** Bulwark's release version; kept equal to the root package.json by a test. */
export const BULWARK_VERSION = '0.1.0';
