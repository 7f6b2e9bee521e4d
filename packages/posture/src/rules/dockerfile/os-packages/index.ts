import { aptCommand, aptLists, aptPin, aptRecommends, aptUpgrade, aptYes, updateAlone } from './apt.js';
import { apkNoCache, apkPin, dnfClean, dnfPin, dnfYes, yumClean, yumPin, yumYes, zypperClean, zypperPin, zypperYes } from './rpm-apk.js';

export const rules = [aptPin, aptLists, aptYes, aptRecommends, aptCommand, aptUpgrade, updateAlone, apkPin, apkNoCache, yumYes, yumClean, yumPin, dnfYes, dnfClean, dnfPin, zypperYes, zypperClean, zypperPin];
