export { scoreCvss, parseCvssVector, type ParsedVector } from './cvss.js';
