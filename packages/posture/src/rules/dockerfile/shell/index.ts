import { cdInRun, curlAndWget, lnBinSh, pipefail, pointlessCommand, sudo, wgetProgress } from './shell.js';

export const rules = [sudo, cdInRun, pointlessCommand, curlAndWget, wgetProgress, pipefail, lnBinSh];
