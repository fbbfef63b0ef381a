import { coxZph } from '../stats/cox/index.ts';
import type { CoxFit, CoxInput } from '../stats/cox/index.ts';
import { rethrowResourceErrors } from './resourceErrors.ts';

/**
 * Grambsch-Therneau test of proportional hazards for the PORT term and globally (R's cox.zph with the
 * KM transform, Grambsch & Therneau 1994). When it cannot be computed (e.g. all events at one time)
 * the reason is returned: the check failed, which holds effect alerts (it does not pass).
 */
export function phTest(input: CoxInput, fit: CoxFit): { portP: number; globalP: number } | { notComputed: string } {
  try {
    const zph = coxZph(input, fit, { transform: 'km' });
    const port = zph.terms.find((t) => t.term === 'port');
    if (!port || !Number.isFinite(port.p)) return { notComputed: 'PH test: the PORT term has no finite test statistic' };
    return { portP: port.p, globalP: zph.global.p };
  } catch (error) {
    rethrowResourceErrors(error);
    return { notComputed: `PH test: ${error instanceof Error ? error.message : String(error)}` };
  }
}
