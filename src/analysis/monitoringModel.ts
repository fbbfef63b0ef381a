import { fitCox } from '../stats/cox/index.ts';
import { phTest } from './phTest.ts';
import type { CoxFit, CoxInput } from '../stats/cox/index.ts';
import type { EstimandData } from './estimandData.ts';

export interface PortFit {
  readonly input: CoxInput;
  readonly fit: CoxFit;
  readonly coef: number;
  readonly se: number;
  readonly z: number;
  readonly p: number;
  readonly hr: number;
  readonly lower: number;
  readonly upper: number;
  /** Grambsch-Therneau test of the PORT term (cox.zph, KM transform); null when it could not be computed. */
  readonly phP: number | null;
  readonly phGlobalP: number | null;
  /** Why the PH test could not be computed when it was due; null when it was computed or not due. */
  readonly phNotComputed: string | null;
  /** Monotone likelihood or an arm without events: the ordinary estimate is unusable, Firth is needed. */
  readonly needsFirth: boolean;
}

/** Cox of PORT adjusted for the estimand's varying covariates (Efron ties, as R's coxph default). */
export function monitoringInput(data: EstimandData, weights?: Float64Array): CoxInput {
  return {
    stop: data.time, event: data.event,
    x: [data.port, ...data.covariates.map((c) => c.values)],
    names: ['port', ...data.covariates.map((c) => c.name)],
    ties: 'efron',
    ...(weights ? { weights, robust: true } : {}),
  };
}

export function fitPortModel(data: EstimandData, weights?: Float64Array): PortFit | null {
  if (data.nPort === 0 || data.nPort === data.n || data.eventsPort + data.eventsPtr === 0) return null;
  const input = monitoringInput(data, weights);
  const fit = fitCox(input);
  const term = fit.terms[0];
  const monotone = !fit.converged || fit.warnings.some((w) => /infinite/i.test(w));
  const needsFirth = monotone || data.eventsPort === 0 || data.eventsPtr === 0;
  let phP: number | null = null;
  let phGlobalP: number | null = null;
  let phNotComputed: string | null = null;
  if (!weights && !needsFirth && fit.nevent >= 2) {
    const ph = phTest(input, fit);
    if ('notComputed' in ph) phNotComputed = ph.notComputed;
    else ({ portP: phP, globalP: phGlobalP } = ph);
  }
  return { input, fit, coef: term.coef, se: term.robustSe ?? term.se, z: term.z, p: term.p, hr: term.hr, lower: term.lower, upper: term.upper, phP, phGlobalP, phNotComputed, needsFirth };
}
