import {
  apkUntrusted, aptForceYes, aptUnauthenticated, chpasswd, curlInsecure, gitSslNoVerify, noGpgCheck, nodeTlsReject, npmStrictSsl, npmStrictSslEnv, pipTrustedHost,
  pipTrustedHostEnv, pythonHttpsVerify, rpmNoSignature, wgetInsecure, yumSslVerify,
} from './insecure-transport.js';

export const rules = [
  pythonHttpsVerify, nodeTlsReject, npmStrictSslEnv, gitSslNoVerify, pipTrustedHostEnv, curlInsecure, wgetInsecure, pipTrustedHost, apkUntrusted, aptUnauthenticated,
  noGpgCheck, rpmNoSignature, aptForceYes, npmStrictSsl, yumSslVerify, chpasswd,
];
