import { abortIncompleteUploads, bucketCustomerKey, bucketEncryption, bucketLogging, bucketMfaDelete, bucketVersioning, objectReadLogging, objectWriteLogging } from './bucket.js';
import { anyPrincipal, publicBucketTls } from './policy.js';
import { blockPublicAcls, blockPublicPolicy, globalViewAcl, ignorePublicAcls, noPublicAcl, restrictPublicBuckets, specifyPublicAccessBlock } from './public-access.js';

export const rules = [
  blockPublicAcls,
  blockPublicPolicy,
  ignorePublicAcls,
  restrictPublicBuckets,
  specifyPublicAccessBlock,
  noPublicAcl,
  globalViewAcl,
  bucketEncryption,
  bucketCustomerKey,
  bucketLogging,
  bucketVersioning,
  bucketMfaDelete,
  objectReadLogging,
  objectWriteLogging,
  abortIncompleteUploads,
  anyPrincipal,
  publicBucketTls,
];
