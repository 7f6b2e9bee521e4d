import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import type { FixPlan } from './plan.js';

/** `--fix=diff`: one unified diff (git-style a/ b/ names, 3 lines of context) of every plan that changes its file. */
export function formatUnifiedDiff(plans: readonly FixPlan[], opts: { context?: number } = {}): string {
  return plans
    .filter((p) => p.after !== p.before)
    .map((p) => {
      const name = p.path.replace(/\\/g, '/').replace(/^\.?\//, '');
      return createTwoFilesPatch(`a/${name}`, `b/${name}`, p.before, p.after, undefined, undefined, { context: opts.context ?? 3, headerOptions: FILE_HEADERS_ONLY });
    })
    .join('');
}
