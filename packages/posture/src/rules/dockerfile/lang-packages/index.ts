import { gemPin, goPin, npmPin, pipCache, pipPin, yarnCache } from './lang-packages.js';

export const rules = [pipPin, pipCache, npmPin, gemPin, goPin, yarnCache];
