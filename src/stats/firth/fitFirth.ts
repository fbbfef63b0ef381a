/**
 * Firth-penalised Cox regression (Heinze & Schemper 2001, Stat Med 21:2409), as R's coxphf:
 * Newton-Raphson on the modified score with the observed information, each step capped at
 * `maxStep` in every coefficient and halved while the penalised log-likelihood falls. Confidence
 * intervals and p-values come from the profile penalised likelihood (profileInterval.ts), because Wald
 * intervals are poor exactly where Firth's method is needed. Breslow and Efron ties are both supported
 * (coxphf itself uses Breslow).
 */
import { pchisqUpper, pnormTwoSided, qnorm } from '../distributions.ts';
import { prepareCox } from '../cox/prepare.ts';
import type { CoxInput, Ties } from '../cox/types.ts';
import { ldlInverse, toNested } from '../linalg/cholesky.ts';
import { penalisedState } from './penalisedLikelihood.ts';
import { maximisePenalised } from './penalisedNewton.ts';
import { profileInterval, profilePenalisedLoglik } from './profileInterval.ts';

export type FirthInput = Omit<CoxInput, 'cluster' | 'robust'> & {
  /** Largest change of any coefficient in one Newton step (coxphf's maxstep). Default 0.5. */
  maxStep?: number;
  /** Confidence level of the profile intervals. Default 0.95. */
  level?: number;
  /**
   * false: no profile intervals or likelihood-ratio p-values (each costs a penalised refit per limit),
   * Wald ones instead, for callers that read only coef, se and z (the monitoring's alert rules). Default true.
   */
  profile?: boolean;
};

export interface FirthTerm {
  term: string;
  coef: number;
  /** √ of the diagonal of I(β̂)⁻¹ (reported for reference; the interval and p do not use it). */
  se: number;
  robustSe: null;
  hr: number;
  /** Profile penalised-likelihood interval for the HR (Wald when the fit was asked for no profile). */
  lower: number;
  upper: number;
  /** Wald z = coef/se. */
  z: number;
  /** Penalised likelihood-ratio p-value (profile at coef = 0), as coxphf (Wald when no profile). */
  p: number;
}

export interface FirthFit {
  method: 'firth';
  /** Always true: the estimates maximise a penalised likelihood and are not the ordinary MLE. */
  penalised: true;
  ciMethod: 'profile penalised likelihood' | 'wald';
  ties: Ties;
  n: number;
  nevent: number;
  iterations: number;
  converged: boolean;
  coef: Float64Array;
  varModel: number[][];
  /** Unpenalised partial log-likelihoods at β = 0 and at β̂. */
  loglik: { null: number; model: number };
  /** Penalised ones, l + ½log|I|, at β = 0 and at β̂. */
  penalisedLoglik: { null: number; model: number };
  terms: FirthTerm[];
  /** Penalised likelihood-ratio test of all coefficients = 0: 2(l*(β̂) − l*(0)). */
  tests: { penalisedLikelihoodRatio: { stat: number; df: number; p: number } };
  warnings: string[];
}

const DEFAULT_MAX_ITER = 100;
const DEFAULT_MAX_STEP = 0.5;

export function fitFirth(input: FirthInput): FirthFit {
  const ties = input.ties ?? 'breslow';
  if (ties !== 'breslow' && ties !== 'efron') throw new Error(`Firth Cox: ties must be "breslow" or "efron", got "${String(ties)}"`);
  const level = input.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new Error(`Firth Cox: confidence level must be in (0, 1), got ${level}`);
  const maxStep = input.maxStep ?? DEFAULT_MAX_STEP;
  if (!(maxStep > 0)) throw new Error(`Firth Cox: maxStep must be positive, got ${maxStep}`);
  const prep = prepareCox({ ...input, cluster: undefined, robust: false });
  const { p } = prep;
  if (p === 0) throw new Error('Firth Cox: at least one covariate is needed');
  if (prep.nevent === 0) throw new Error('Firth Cox: there are no events');
  const init = input.init ? Float64Array.from(input.init) : new Float64Array(p);
  if (init.length !== p) throw new Error(`Firth Cox: init has ${init.length} values for ${p} covariates`);
  const maxIter = input.maxIter ?? DEFAULT_MAX_ITER;
  const profile = input.profile ?? true;

  const nullState = penalisedState(prep, new Float64Array(p), ties);
  const { state, iterations, converged } = maximisePenalised(prep, ties, init, { maxIter, maxStep });
  const variance = ldlInverse(state.factor);
  const warnings: string[] = [];
  if (!converged) warnings.push(`Firth Cox: penalised Newton-Raphson did not converge in ${iterations} iterations`);

  const terms = input.names.map((term, r): FirthTerm => {
    const coef = state.beta[r];
    const se = Math.sqrt(variance[r * p + r]);
    if (!profile) {
      const half = qnorm(1 - (1 - level) / 2) * se;
      return { term, coef, se, robustSe: null, hr: Math.exp(coef), lower: Math.exp(coef - half), upper: Math.exp(coef + half), z: coef / se, p: pnormTwoSided(coef / se) };
    }
    const ci = profileInterval(prep, ties, state, r, se, level, maxStep);
    if (!Number.isFinite(ci.lower) || !Number.isFinite(ci.upper)) warnings.push(`Firth Cox: the profile interval of ${term} is unbounded`);
    const atZero = profilePenalisedLoglik(prep, ties, state, r, 0, maxStep);
    const stat = Math.max(0, 2 * (state.penalisedLoglik - atZero));
    return { term, coef, se, robustSe: null, hr: Math.exp(coef), lower: Math.exp(ci.lower), upper: Math.exp(ci.upper), z: coef / se, p: pchisqUpper(stat, 1) };
  });
  const globalStat = Math.max(0, 2 * (state.penalisedLoglik - nullState.penalisedLoglik));
  return {
    method: 'firth',
    penalised: true,
    ciMethod: profile ? 'profile penalised likelihood' : 'wald',
    ties,
    n: prep.n,
    nevent: prep.nevent,
    iterations,
    converged,
    coef: state.beta,
    varModel: toNested(variance, p),
    loglik: { null: nullState.loglik, model: state.loglik },
    penalisedLoglik: { null: nullState.penalisedLoglik, model: state.penalisedLoglik },
    terms,
    tests: { penalisedLikelihoodRatio: { stat: globalStat, df: p, p: pchisqUpper(globalStat, p) } },
    warnings,
  };
}
