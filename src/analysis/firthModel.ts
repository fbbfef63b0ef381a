import { fitFirth } from '../stats/firth/index.ts';
import type { CoxInput } from '../stats/cox/index.ts';
import { rethrowResourceErrors } from './resourceErrors.ts';

export interface FirthPort {
  readonly coef: number;
  readonly se: number;
  readonly z: number;
  readonly p: number;
  readonly hr: number;
  readonly lower: number;
  readonly upper: number;
  readonly converged: boolean;
  readonly ciMethod: 'profile penalised likelihood' | 'wald';
}

/**
 * Firth-penalised Cox refit (Heinze & Schemper 2001) of the monitoring model, used when the ordinary
 * likelihood is monotone or an arm has no events: finite estimates, profile penalised-likelihood CI.
 * Null when even the penalised fit fails (e.g. a singular information). `profile: false` (the plan run's
 * alerts scope) skips the profile intervals and p-values, Wald ones instead: the alert rules read the
 * estimate, its se and z, and a Firth fit holds the estimand's effect alerts anyway (validity); the
 * profile limits were most of a small registry's calibration time.
 */
export function firthPort(input: CoxInput, options: { profile?: boolean } = {}): FirthPort | null {
  try {
    const { weights: _w, robust: _r, cluster: _c, ...plain } = input;
    const fit = fitFirth({ ...plain, ties: 'breslow', profile: options.profile ?? true });
    const t = fit.terms.find((term) => term.term === 'port');
    if (!t || !Number.isFinite(t.coef)) return null;
    return { coef: t.coef, se: t.se, z: t.z, p: t.p, hr: t.hr, lower: t.lower, upper: t.upper, converged: fit.converged, ciMethod: fit.ciMethod };
  } catch (error) {
    rethrowResourceErrors(error);
    return null;
  }
}
