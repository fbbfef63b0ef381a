import { coxZph } from '../stats/cox/index.ts';
import type { CoxFit, CoxInput } from '../stats/cox/index.ts';
import { rethrowResourceErrors } from './resourceErrors.ts';

/**
 * Grambsch-Therneau test of proportional hazards for the PORT term and globally (R's cox.zph with the
 * KM transform, Grambsch & Therneau 1994). Null when undefined (e.g. all events at one time).
 */
export function phTest(input: CoxInput, fit: CoxFit): { portP: number; globalP: number } | null {
  try {
    const zph = coxZph(input, fit, { transform: 'km' });
    const port = zph.terms.find((t) => t.term === 'port');
    if (!port || !Number.isFinite(port.p)) return null;
    return { portP: port.p, globalP: zph.global.p };
  } catch (error) {
    rethrowResourceErrors(error);
    return null;
  }
}
