import * as m from './sagemaker.js';

export const rules = Object.values(m);
