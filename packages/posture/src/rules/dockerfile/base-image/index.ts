import { copyFromSelf, copyFromUnknown, duplicateStageName, fixedPlatform, latestTag, reservedStageName, untaggedImage } from './base-image.js';

export const rules = [untaggedImage, latestTag, fixedPlatform, reservedStageName, duplicateStageName, copyFromUnknown, copyFromSelf];
