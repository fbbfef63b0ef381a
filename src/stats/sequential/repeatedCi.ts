/**
 * Repeated confidence interval for a log hazard ratio at one look (Jennison & Turnbull 1989; 2000,
 * ch 9): β̂ ± c_k·se with the look's critical value c_k, so that the intervals of all looks cover the
 * true value simultaneously with probability 1 − α (two-sided design). For a one-sided design at
 * level α the same construction gives the 1 − 2α two-sided RCI.
 */
export interface RepeatedCi {
  logHr: { lower: number; upper: number };
  hr: { estimate: number; lower: number; upper: number };
  critical: number;
}

export function repeatedConfidenceInterval(logHr: number, se: number, critical: number): RepeatedCi {
  if (!Number.isFinite(logHr)) throw new Error(`log hazard ratio must be finite, got ${logHr}`);
  if (!(se > 0 && Number.isFinite(se))) throw new Error(`standard error must be positive and finite, got ${se}`);
  if (!(critical > 0)) throw new Error(`critical value must be positive, got ${critical}`);
  // An infinite critical value (no alpha left) gives the whole line: this look cannot exclude anything.
  const lower = logHr - critical * se;
  const upper = logHr + critical * se;
  return {
    logHr: { lower, upper },
    hr: { estimate: Math.exp(logHr), lower: Math.exp(lower), upper: Math.exp(upper) },
    critical,
  };
}
