import {
  addInsteadOfCopy, addRemoteOrArchive, badOnbuild, beforeFrom, consecutiveRun, copyDestSlash, copyRelativeNoWorkdir, copyThenExtract, envSelfReference, exposeOutOfRange,
  exposeSsh, ignorePragma, invalidLabelKey, maintainer, multipleCmd, multipleEntrypoint, multipleHealthcheck, noHealthcheck, relativeWorkdir, secretInEnv, shellFormCmd,
} from './instructions.js';

export const rules = [
  relativeWorkdir, addInsteadOfCopy, addRemoteOrArchive, exposeSsh, exposeOutOfRange, maintainer, multipleCmd, multipleEntrypoint, multipleHealthcheck, noHealthcheck,
  shellFormCmd, invalidLabelKey, badOnbuild, envSelfReference, beforeFrom, consecutiveRun, copyDestSlash, copyRelativeNoWorkdir, copyThenExtract, ignorePragma, secretInEnv,
];
