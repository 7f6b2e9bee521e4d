import * as m from './codebuild.js';

export const rules = Object.values(m);
