import { fitCox, type CoxFit, type Ties } from '../cox/index.ts';
import { finegrayExpand, type FinegrayData } from './finegrayExpand.ts';

export interface FineGrayInput {
  time: Float64Array;
  /** 0 = censored, c ≥ 1 = cause c. */
  status: Int32Array;
  /** The cause whose subdistribution hazard is modelled. */
  cause: number;
  /** Design columns per input row (see src/stats/design.ts) and their names. */
  x: Float64Array[];
  names: string[];
  strata?: Int32Array;
  weights?: Float64Array;
  ties?: Ties;
  /**
   * Cluster the robust variance on this subject id per input row (R: `+ cluster(id)`, closest to
   * cmprsk::crr). Without it R's sandwich treats every expanded row as its own cluster.
   */
  subject?: Int32Array;
}

export interface FineGrayFit {
  /** The weighted Cox fit on the expanded data: `se` is model-based, `robustSe` the sandwich. */
  fit: CoxFit;
  expanded: FinegrayData;
}

/**
 * Fine-Gray subdistribution hazards model as the survival package fits it: `finegray()` expansion, then
 * `coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt)`. As in R, the non-integer weights turn
 * the robust variance on (fitCox decides, as coxph does); `subject` clusters it per subject.
 */
export function fitFineGray(input: FineGrayInput): FineGrayFit {
  const expanded = finegrayExpand({ time: input.time, status: input.status, cause: input.cause, strata: input.strata, weights: input.weights });
  if (expanded.row.length === 0) throw new Error('Fine-Gray: no events of the cause of interest');
  const pick = <T extends Float64Array | Int32Array>(values: T, make: (n: number) => T): T => {
    const out = make(expanded.row.length);
    expanded.row.forEach((i, k) => (out[k] = values[i]));
    return out;
  };
  const fit = fitCox({
    start: expanded.start,
    stop: expanded.stop,
    event: expanded.status,
    x: input.x.map((column) => pick(column, (n) => new Float64Array(n))),
    names: input.names,
    weights: expanded.weight,
    strata: input.strata ? pick(input.strata, (n) => new Int32Array(n)) : undefined,
    cluster: input.subject ? pick(input.subject, (n) => new Int32Array(n)) : undefined,
    ties: input.ties,
  });
  return { fit, expanded };
}
