export { updateFromUpstream, type UpdateOptions, type UpdateSummary } from './update.js';
export { defaultUpstreams, OSV_ECOSYSTEMS, ALPINE_RELEASES, type Upstream, type UpstreamFile } from './upstreams.js';
export { download, type DownloadOptions, type DownloadResult } from './download.js';
