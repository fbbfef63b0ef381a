import { CoxFitError } from '../stats/cox/index.ts';
import { FirthSingularError } from '../stats/firth/index.ts';
import { LogisticSingularError } from '../stats/logistic.ts';

/** Why a model could not be estimated from the data (not a bug, not the machine). */
export type NotEstimableReason = 'singular-design' | 'no-events' | 'no-events-in-arm' | 'empty-arm' | 'monotone-likelihood';

/**
 * The one error type for data that cannot support a fit. It is recorded with its reason (the estimand
 * is "not estimable" at that look); every other error fails the look loudly.
 */
export class NotEstimableError extends Error {
  override name = 'NotEstimableError';
  constructor(readonly reason: NotEstimableReason, message: string) {
    super(message);
  }
}

/**
 * The data problems the numerics report, as NotEstimableError; null for anything else (a bug, bad
 * input, the machine), which the caller must let fail the look.
 */
export function asNotEstimable(error: unknown): NotEstimableError | null {
  if (error instanceof NotEstimableError) return error;
  if (error instanceof FirthSingularError || error instanceof LogisticSingularError) return new NotEstimableError('singular-design', error.message);
  // fitCox throws CoxFitError for exactly three data problems (no events, singular X, overflow).
  if (error instanceof CoxFitError) {
    if (/no events/i.test(error.message)) return new NotEstimableError('no-events', error.message);
    if (/overflow/i.test(error.message)) return new NotEstimableError('monotone-likelihood', error.message);
    return new NotEstimableError('singular-design', error.message);
  }
  return null;
}

/** Rethrows anything that is not a data problem; returns the typed data problem. */
export function notEstimableOrThrow(error: unknown): NotEstimableError {
  const typed = asNotEstimable(error);
  if (typed === null) throw error;
  return typed;
}
